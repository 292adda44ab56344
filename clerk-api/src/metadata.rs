//! Clerk's three metadata objects, and the two ways to change them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// One metadata object to send in a request body: any JSON object, given
/// to the body's setter (`.public_metadata(json!({"plan": "pro"}))`).
/// Clerk stores objects only: a value that is not an object is refused
/// when the call is sent, as an [`Error::Request`](crate::Error::Request)
/// naming the field.
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
/// | **merge**: `PATCH /users/{id}/metadata` (`users().merge_metadata`), `PATCH /organizations/{id}/metadata` (`organizations().merge_metadata`), `PATCH …/memberships/{user_id}/metadata` (`organization_memberships().merge_metadata`) | deep-merged into the stored object: nested objects are merged too, keys not sent are kept, a key set to `null` is removed | left unchanged |
/// | **replace**: `PATCH /users/{id}` (`users().update`), `PATCH /organizations/{id}`, `PUT …/metadata` where the version has it | replaces the stored object as a whole | left unchanged |
/// | **create**: `POST` operations | becomes the first value | starts empty |
///
/// So to add `{"plan": "pro"}` to a user's public metadata without losing
/// the keys already there, merge:
///
/// ```no_run
/// # #[cfg(feature = "v2026-05-12")]
/// # async fn demo(client: &clerk_api::v2026_05_12::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use clerk_api::v2026_05_12::types::UpdateUserMetadataBody;
/// use serde_json::json;
///
/// let body = UpdateUserMetadataBody::default().public_metadata(json!({"plan": "pro"}));
/// let user = client.users().merge_metadata("user_123", &body).await?;
/// # let _ = user; Ok(()) }
/// ```
///
/// and to remove the key again, merge `{"plan": null}`. Replacing with
/// `{"plan": "pro"}` would drop every other public key.
///
/// A typed value works as well as `json!`: `Metadata::from_value(&plan)`
/// takes anything that serializes to a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata(Result<Map<String, Value>, String>);

impl Metadata {
    /// An empty object (sent as `{}`: replacing with it clears the stored
    /// object; merging it changes nothing).
    pub fn new() -> Self {
        Metadata(Ok(Map::new()))
    }

    /// The object `value` serializes to; anything else is refused when the
    /// call is sent.
    pub fn from_value(value: &impl Serialize) -> Self {
        Metadata(match serde_json::to_value(value) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(other) => Err(format!(
                "must be a JSON object, found {}",
                json_kind(&other)
            )),
            Err(e) => Err(format!("could not be serialized: {e}")),
        })
    }

    /// Sets one key (a value that does not serialize to JSON is refused
    /// when the call is sent).
    pub fn set(mut self, key: impl Into<String>, value: impl Serialize) -> Self {
        if let Ok(map) = &mut self.0 {
            match serde_json::to_value(value) {
                Ok(value) => {
                    map.insert(key.into(), value);
                }
                Err(e) => self.0 = Err(format!("could not be serialized: {e}")),
            }
        }
        self
    }

    /// The object, unless it is not one.
    pub fn as_object(&self) -> Option<&Map<String, Value>> {
        self.0.as_ref().ok()
    }
}

impl Default for Metadata {
    fn default() -> Self {
        Metadata::new()
    }
}

impl From<Value> for Metadata {
    fn from(value: Value) -> Self {
        Metadata::from_value(&value)
    }
}

impl From<Map<String, Value>> for Metadata {
    fn from(map: Map<String, Value>) -> Self {
        Metadata(Ok(map))
    }
}

impl Serialize for Metadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(map) => map.serialize(serializer),
            // The message is prefixed with the field's path by the body's
            // serialization error.
            Err(why) => Err(serde::ser::Error::custom(format!("metadata {why}"))),
        }
    }
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Metadata::from)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_objects_are_metadata() {
        let err = serde_json::to_string(&Metadata::from(json!(["pro"]))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "metadata must be a JSON object, found an array"
        );
        #[derive(Serialize)]
        struct Plan {
            plan: &'static str,
        }
        let metadata = Metadata::from_value(&Plan { plan: "pro" }).set("seats", 3);
        assert_eq!(
            serde_json::to_value(&metadata).unwrap(),
            json!({"plan": "pro", "seats": 3})
        );
    }
}
