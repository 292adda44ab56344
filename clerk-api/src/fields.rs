//! The parts of the generated structs' `Serialize` and `Deserialize` impls
//! that do not depend on the struct, written once.
//!
//! The generator writes each struct's impl itself rather than deriving it:
//! a derived impl also reads a struct from a JSON array and spells out
//! every step per field, and for the ~470 types of a version that derived
//! code was half of the crate's build time. The written impl reads an
//! object only, field by field, with the checks serde's derive makes
//! (a field twice is an error, a missing required field is an error, an
//! unknown field is skipped). `Serialize` is written out too, so that
//! one piece of code owns a struct's JSON shape and the fields carry no
//! serde attributes.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;

use crate::Nullable;

/// A key of a JSON object, borrowed from the input when it can be.
pub struct FieldName<'de>(Cow<'de, str>);

impl FieldName<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl<'de> Visitor<'de> for Name {
            type Value = FieldName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_identifier(Name)
    }
}

/// Reads the value of field `name` into its slot; a field sent twice is an
/// error, as with serde's derive.
pub fn field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a field the struct does not have.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// The value of a required field, or the error that names it.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Writes an optional field, or skips it when unset.
pub fn optional<S, T>(out: &mut S, name: &'static str, value: &Option<T>) -> Result<(), S::Error>
where
    S: SerializeStruct,
    T: Serialize,
{
    match value {
        Some(value) => out.serialize_field(name, value),
        None => out.skip_field(name),
    }
}

/// Writes a [`Nullable`] field (`null` included), or skips it when absent.
pub fn nullable<S, T>(out: &mut S, name: &'static str, value: &Nullable<T>) -> Result<(), S::Error>
where
    S: SerializeStruct,
    T: Serialize,
{
    if value.is_absent() {
        out.skip_field(name)
    } else {
        out.serialize_field(name, value)
    }
}
