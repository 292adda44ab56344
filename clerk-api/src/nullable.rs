//! A request field that can be absent, `null`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional, nullable field of a request body. Clerk's `PATCH`
/// endpoints leave a field unchanged when it is absent and clear it when it
/// is `null`, so the two must be kept apart:
///
/// | value | sent as |
/// | --- | --- |
/// | `Nullable::Absent` (the default) | nothing: the field is left out |
/// | `Nullable::Null` | `"field": null` |
/// | `Nullable::Value(v)` | `"field": v` |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is left out (used by `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// So that a setter of a nullable string takes `"user_123"`.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_string())
    }
}

/// `None` is `null`: a setter given an `Option` sends the value or clears
/// the field.
/// Metadata from `json!` or a map, as an optional nullable field's setter
/// takes it (`.public_metadata(json!({"plan": "pro"}))`).
impl From<serde_json::Value> for Nullable<crate::Metadata> {
    fn from(value: serde_json::Value) -> Self {
        Nullable::Value(value.into())
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        }
    }
}

impl<'a, T> From<&'a Nullable<T>> for Option<&'a T> {
    fn from(value: &'a Nullable<T>) -> Self {
        value.as_ref()
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => serializer.serialize_some(v),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

/// A present field decodes to `Null` or `Value`; an absent one is
/// `Absent` through `#[serde(default)]`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Default, Debug, PartialEq)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        first_name: Nullable<String>,
    }

    #[test]
    fn three_states_on_the_wire() {
        let json = |p: &Patch| serde_json::to_string(p).unwrap();
        assert_eq!(json(&Patch::default()), "{}");
        assert_eq!(
            json(&Patch {
                first_name: Nullable::Null
            }),
            r#"{"first_name":null}"#
        );
        assert_eq!(
            json(&Patch {
                first_name: "Ada".to_string().into()
            }),
            r#"{"first_name":"Ada"}"#
        );
        let back = |s: &str| serde_json::from_str::<Patch>(s).unwrap().first_name;
        assert_eq!(back("{}"), Nullable::Absent);
        assert_eq!(back(r#"{"first_name":null}"#), Nullable::Null);
        assert_eq!(
            back(r#"{"first_name":"Ada"}"#),
            Nullable::Value("Ada".into())
        );
    }
}
