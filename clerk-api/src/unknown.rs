//! What the open enums and one-of types keep when Clerk sends something
//! the spec of their version does not describe. Readable, not
//! constructible: code matches on the variants it knows and treats the
//! rest as unknown, and a newer version module names what is new.

use std::fmt;

/// A string value an enum does not list (a status Clerk added later), as
/// sent. Do not match on its contents in place of a variant: the version
/// module that lists the value gives it one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    #[allow(dead_code)] // called by the generated version modules only
    pub(crate) fn new(value: String) -> Self {
        UnknownValue(value)
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A JSON value that matches none of a one-of type's variants, as sent.
/// Do not match on its contents in place of a variant.
#[derive(Clone, PartialEq)]
pub struct UnknownJson(serde_json::Value);

impl UnknownJson {
    #[allow(dead_code)] // called by the generated version modules only
    pub(crate) fn new(value: serde_json::Value) -> Self {
        UnknownJson(value)
    }

    /// The value as sent.
    pub fn as_json(&self) -> &serde_json::Value {
        &self.0
    }
}

impl fmt::Debug for UnknownJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl serde::Serialize for UnknownJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for UnknownJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(UnknownJson)
    }
}
