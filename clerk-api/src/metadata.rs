//! Clerk's three metadata objects, and the two ways to change them.

use serde::Serialize;
use serde_json::{Map, Value};

/// The metadata objects to send in a request body: build one, then turn it
/// into the body of the operation you call with the body's generated
/// `with_metadata` method.
///
/// Users, organizations, organization memberships and invitations carry
/// three free-form JSON objects. They differ in who can see and change
/// them:
///
/// | field | Backend API (your server, this crate) | Frontend API (the browser, Clerk's JS) |
/// | --- | --- | --- |
/// | `public_metadata` | read, write | read |
/// | `private_metadata` | read, write | — |
/// | `unsafe_metadata` (users and sign-ups) | read, write | read, write |
///
/// `unsafe_metadata` can be changed by the signed-in user from the
/// browser, so never trust it for authorization; keep roles and plans in
/// `public_metadata` or `private_metadata`.
///
/// # Replace or merge
///
/// Each operation that takes metadata says which it does, in its
/// documentation:
///
/// | operation | what happens to a metadata object that is sent | to one that is not sent |
/// | --- | --- | --- |
/// | **merge**: `PATCH /users/{id}/metadata` (`users().update_metadata`), `PATCH /organizations/{id}/metadata` (`organizations().merge_metadata`), `PATCH …/memberships/{user_id}/metadata` | deep-merged into the stored object: nested objects are merged too, keys not sent are kept, a key set to `null` is removed | left unchanged |
/// | **replace**: `PATCH /users/{id}` (`users().update`), `PATCH /organizations/{id}`, `PUT …/metadata` where the version has it | replaces the stored object as a whole | left unchanged |
/// | **create**: `POST` operations | becomes the first value | starts empty |
///
/// So to add `{"plan": "pro"}` to a user's public metadata without losing
/// the keys already there, merge:
///
/// ```no_run
/// # #[cfg(feature = "v2026-05-12")]
/// # async fn demo(client: &clerk_api::v2026_05_12::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use clerk_api::Metadata;
/// use clerk_api::v2026_05_12::types::UpdateUserMetadataBody;
/// use serde_json::json;
///
/// let body = UpdateUserMetadataBody::default()
///     .with_metadata(Metadata::new().public_metadata(&json!({"plan": "pro"}))?)?;
/// let user = client.users().update_metadata("user_123", Some(&body)).await?;
/// # let _ = user; Ok(()) }
/// ```
///
/// and to remove the key again, merge `{"plan": null}`. Replacing with
/// `{"plan": "pro"}` would drop every other public key.
///
/// A typed value works as well as `json!`: anything that serializes to a
/// JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub(crate) public: Option<Map<String, Value>>,
    pub(crate) private: Option<Map<String, Value>>,
    pub(crate) unsafe_: Option<Map<String, Value>>,
}

impl Metadata {
    /// No metadata objects: a body built from it changes none.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `public_metadata`: readable from the frontend, writable only
    /// from the backend. `value` must serialize to a JSON object.
    pub fn public_metadata(mut self, value: &impl Serialize) -> Result<Self, MetadataError> {
        self.public = Some(object("public_metadata", value)?);
        Ok(self)
    }

    /// Sets `private_metadata`: visible to the backend only. `value` must
    /// serialize to a JSON object.
    pub fn private_metadata(mut self, value: &impl Serialize) -> Result<Self, MetadataError> {
        self.private = Some(object("private_metadata", value)?);
        Ok(self)
    }

    /// Sets `unsafe_metadata`: readable and writable from the frontend
    /// too, so not to be trusted. `value` must serialize to a JSON object.
    pub fn unsafe_metadata(mut self, value: &impl Serialize) -> Result<Self, MetadataError> {
        self.unsafe_ = Some(object("unsafe_metadata", value)?);
        Ok(self)
    }

    /// The objects for a body named `body` that accepts the fields marked
    /// in `accepted` (public, private, unsafe); a set field the body does
    /// not accept is an error rather than silently dropped.
    #[allow(dead_code)] // used by the generated bodies' `with_metadata`
    pub(crate) fn into_fields(
        self,
        body: &'static str,
        accepted: [bool; 3],
    ) -> Result<[Option<Map<String, Value>>; 3], MetadataError> {
        let fields = [self.public, self.private, self.unsafe_];
        for ((value, accepted), field) in fields.iter().zip(accepted).zip(FIELDS) {
            if value.is_some() && !accepted {
                return Err(MetadataError::NotAccepted { field, body });
            }
        }
        Ok(fields)
    }
}

#[allow(dead_code)]
const FIELDS: [&str; 3] = ["public_metadata", "private_metadata", "unsafe_metadata"];

fn object(
    field: &'static str,
    value: &impl Serialize,
) -> Result<Map<String, Value>, MetadataError> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(MetadataError::NotAnObject {
            field,
            found: json_kind(&other),
        }),
        Err(source) => Err(MetadataError::Serialize { field, source }),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Why metadata could not be put in a request body.
#[derive(Debug)]
#[non_exhaustive]
pub enum MetadataError {
    /// The value is not a JSON object; Clerk stores objects only.
    NotAnObject {
        field: &'static str,
        found: &'static str,
    },
    /// The value could not be serialized.
    Serialize {
        field: &'static str,
        source: serde_json::Error,
    },
    /// The operation's body has no such field (organizations have no
    /// `unsafe_metadata`, for instance).
    NotAccepted {
        field: &'static str,
        body: &'static str,
    },
}

impl std::fmt::Display for MetadataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetadataError::NotAnObject { field, found } => {
                write!(f, "{field} must be a JSON object, found {found}")
            }
            MetadataError::Serialize { field, source } => {
                write!(f, "{field} could not be serialized: {source}")
            }
            MetadataError::NotAccepted { field, body } => {
                write!(f, "{body} has no {field} field")
            }
        }
    }
}

impl std::error::Error for MetadataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MetadataError::Serialize { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_objects_are_metadata() {
        let err = Metadata::new()
            .public_metadata(&json!(["pro"]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "public_metadata must be a JSON object, found an array"
        );
        #[derive(Serialize)]
        struct Plan {
            plan: &'static str,
        }
        let metadata = Metadata::new()
            .private_metadata(&Plan { plan: "pro" })
            .unwrap();
        assert_eq!(
            metadata.private,
            Some(json!({"plan": "pro"}).as_object().unwrap().clone())
        );
    }

    #[test]
    fn a_field_the_body_lacks_is_an_error() {
        let metadata = Metadata::new().unsafe_metadata(&json!({"a": 1})).unwrap();
        let err = metadata
            .clone()
            .into_fields("UpdateOrganizationBody", [true, true, false])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "UpdateOrganizationBody has no unsafe_metadata field"
        );
        let [public, private, unsafe_] = metadata.into_fields("B", [true; 3]).unwrap();
        assert!(public.is_none() && private.is_none());
        assert_eq!(unsafe_, Some(json!({"a": 1}).as_object().unwrap().clone()));
    }
}
