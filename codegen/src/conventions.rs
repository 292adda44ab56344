//! Clerk's conventions, read from the `x-clerk-…` extensions that
//! `specs/overlays/` declares on operations, parameters and schemas, and
//! checked against what they describe: a declaration that names a
//! parameter or field the operation does not have is an error naming its
//! JSON pointer, never a silent no-op. Nothing here is guessed from names.
//!
//! | extension | on | model |
//! | --- | --- | --- |
//! | `x-clerk-pagination` | operation | [`Pagination`] |
//! | `x-clerk-metadata` | operation | [`MetadataWrite`] |
//! | `x-clerk-destructive` | operation | `Operation::destructive` |
//! | `x-clerk-aliases` | operation | `Operation::aliases` |
//! | `x-clerk-auth` | operation | [`AuthRole`] |
//! | `x-clerk-order-by` | parameter | [`TypeRef::Order`] |
//! | `x-clerk-primary` | object schema | [`Lookup`] |
//! | `x-clerk-error-body` | object schema | [`ErrorBody`] |

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Error;
use crate::model::*;
use crate::naming::snake;

pub const PAGINATION: &str = "x-clerk-pagination";
pub const METADATA: &str = "x-clerk-metadata";
pub const DESTRUCTIVE: &str = "x-clerk-destructive";
pub const ALIASES: &str = "x-clerk-aliases";
pub const AUTH: &str = "x-clerk-auth";
pub const ORDER_BY: &str = "x-clerk-order-by";
pub const PRIMARY: &str = "x-clerk-primary";
pub const ERROR_BODY: &str = "x-clerk-error-body";

type Types = BTreeMap<String, NamedType>;

fn invalid(pointer: &str, extension: &str, message: impl Into<String>) -> Error {
    Error::Convention {
        pointer: format!("{pointer}/{extension}"),
        message: message.into(),
    }
}

/// A string member of a declaration; `None` when absent.
fn string_member<'v>(
    declared: &'v Value,
    key: &str,
    at: impl Fn(String) -> Error,
) -> Result<Option<&'v str>, Error> {
    match declared.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(other) => Err(at(format!(
            "`{key}` must be a non-empty string, not {other}"
        ))),
    }
}

/// The struct a use-site type names, through aliases.
pub(crate) fn struct_of<'t>(types: &'t Types, ty: &TypeRef) -> Option<&'t Struct> {
    let mut ty = ty;
    for _ in 0..8 {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        match &types.get(name)?.kind {
            TypeKind::Struct(s) => return Some(s),
            TypeKind::Alias(target) => ty = target,
            _ => return None,
        }
    }
    None
}

/// The item type of the array a use-site type stands for, through aliases.
pub(crate) fn array_item(types: &Types, ty: &TypeRef) -> Option<TypeRef> {
    let mut ty = ty;
    for _ in 0..8 {
        match ty {
            TypeRef::Array(item) => return Some((**item).clone()),
            TypeRef::Named(n) => match &types.get(n)?.kind {
                TypeKind::Alias(target) => ty = target,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// `x-clerk-pagination: {limit, offset, items?, total?, cursor?: {param,
/// field, requires?: {param, values}}}`.
pub(crate) fn pagination(
    declared: Option<&Value>,
    pointer: &str,
    params: &[Param],
    success: Option<&TypeRef>,
    types: &Types,
) -> Result<Option<Pagination>, Error> {
    let Some(declared) = declared else {
        return Ok(None);
    };
    let at = |message: String| invalid(pointer, PAGINATION, message);
    if !declared.is_object() {
        return Err(at(
            "expected a map (limit, offset, items, total, cursor)".into()
        ));
    }
    let query_param = |name: &str, integer: bool| -> Result<(), Error> {
        let found = params
            .iter()
            .find(|p| p.name == name && p.location == ParamLocation::Query);
        match found {
            None => Err(at(format!("the operation has no query parameter `{name}`"))),
            Some(p) if p.required => Err(at(format!("`{name}` is required, so it cannot page"))),
            Some(p) if integer && !matches!(p.ty, TypeRef::I64 | TypeRef::I32 | TypeRef::F64) => {
                Err(at(format!("`{name}` is not a number")))
            }
            Some(_) => Ok(()),
        }
    };
    let limit = string_member(declared, "limit", at)?.unwrap_or("limit");
    let offset = string_member(declared, "offset", at)?.unwrap_or("offset");
    query_param(limit, true)?;
    query_param(offset, true)?;
    let success = success.ok_or_else(|| at("the operation has no success body".into()))?;
    let (items, total, item) = match string_member(declared, "items", at)? {
        None => {
            let item = array_item(types, success)
                .ok_or_else(|| at("without `items`, the success body must be an array".into()))?;
            (None, None, item)
        }
        Some(items) => {
            let envelope = struct_of(types, success)
                .ok_or_else(|| at("with `items`, the success body must be an object".into()))?;
            let field = envelope
                .fields
                .iter()
                .find(|f| f.name == items)
                .ok_or_else(|| at(format!("the success body has no field `{items}`")))?;
            let item = array_item(types, &field.ty)
                .ok_or_else(|| at(format!("field `{items}` is not an array")))?;
            let total = match string_member(declared, "total", at)? {
                None => None,
                Some(total) => {
                    let field = envelope
                        .fields
                        .iter()
                        .find(|f| f.name == total)
                        .ok_or_else(|| at(format!("the success body has no field `{total}`")))?;
                    if !matches!(field.ty, TypeRef::I64 | TypeRef::I32 | TypeRef::F64) {
                        return Err(at(format!("field `{total}` is not a number")));
                    }
                    Some(field.clone())
                }
            };
            (Some(field.clone()), total, item)
        }
    };
    let cursor = match declared.get("cursor") {
        None | Some(Value::Null) => None,
        Some(cursor) => {
            let at_cursor = |message: String| at(format!("cursor: {message}"));
            let param = string_member(cursor, "param", at_cursor)?
                .ok_or_else(|| at_cursor("needs `param`".into()))?;
            query_param(param, false)?;
            let field_name = string_member(cursor, "field", at_cursor)?
                .ok_or_else(|| at_cursor("needs `field`".into()))?;
            let field = struct_of(types, &item)
                .and_then(|s| s.fields.iter().find(|f| f.name == field_name))
                .filter(|f| f.ty == TypeRef::String && f.required && !f.nullable)
                .ok_or_else(|| {
                    at_cursor(format!(
                        "the items have no required, non-null string field `{field_name}`"
                    ))
                })?;
            let requires = match cursor.get("requires") {
                None | Some(Value::Null) => None,
                Some(requires) => {
                    let param = string_member(requires, "param", at_cursor)?
                        .ok_or_else(|| at_cursor("`requires` needs `param`".into()))?;
                    query_param(param, false)?;
                    let values = requires
                        .get("values")
                        .and_then(Value::as_array)
                        .filter(|v| !v.is_empty())
                        .and_then(|v| {
                            v.iter()
                                .map(|v| v.as_str().map(str::to_string))
                                .collect::<Option<Vec<_>>>()
                        })
                        .ok_or_else(|| {
                            at_cursor("`requires.values` must be a list of strings".into())
                        })?;
                    Some(CursorRequirement {
                        param: param.to_string(),
                        values,
                    })
                }
            };
            Some(Cursor {
                param: param.to_string(),
                field: field.clone(),
                requires,
            })
        }
    };
    Ok(Some(Pagination {
        limit: limit.to_string(),
        offset: offset.to_string(),
        items,
        total,
        item,
        cursor,
    }))
}

/// `x-clerk-metadata: merge | replace | create`. An operation whose body
/// has no metadata fields in this version gets none: the declaration
/// describes the endpoint, and a version may have dropped the fields.
pub(crate) fn metadata(
    declared: Option<&Value>,
    pointer: &str,
    body: Option<&RequestBody>,
    types: &Types,
) -> Result<Option<MetadataWrite>, Error> {
    let Some(declared) = declared else {
        return Ok(None);
    };
    let write = match declared.as_str() {
        Some("merge") => MetadataWrite::Merge,
        Some("replace") => MetadataWrite::Replace,
        Some("create") => MetadataWrite::Create,
        _ => {
            return Err(invalid(
                pointer,
                METADATA,
                format!("{declared}: expected merge, replace or create"),
            ));
        }
    };
    let has_metadata = body
        .and_then(|b| struct_of(types, &b.ty))
        .is_some_and(|s| s.fields.iter().any(Field::is_metadata));
    Ok(has_metadata.then_some(write))
}

/// Whether an operation's JSON body has metadata fields: such an
/// operation needs an `x-clerk-metadata` declaration.
pub fn writes_metadata(op: &Operation, types: &Types) -> bool {
    op.body
        .as_ref()
        .and_then(|b| struct_of(types, &b.ty))
        .is_some_and(|s| s.fields.iter().any(Field::is_metadata))
}

/// `x-clerk-destructive: what is destroyed`.
pub(crate) fn destructive(
    declared: Option<&Value>,
    pointer: &str,
) -> Result<Option<String>, Error> {
    match declared {
        None => Ok(None),
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text.trim().to_string())),
        Some(other) => Err(invalid(
            pointer,
            DESTRUCTIVE,
            format!("{other}: expected a few words saying what is destroyed"),
        )),
    }
}

/// `x-clerk-aliases: [formerName, …]`: former method names, snake_cased.
pub(crate) fn aliases(declared: Option<&Value>, pointer: &str) -> Result<Vec<String>, Error> {
    let Some(declared) = declared else {
        return Ok(Vec::new());
    };
    declared
        .as_array()
        .and_then(|names| {
            names
                .iter()
                .map(|n| n.as_str().filter(|s| !s.is_empty()).map(snake))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| invalid(pointer, ALIASES, "expected a list of method names"))
}

/// `x-clerk-auth: {role, token-field?}`, checked: a known role, and for a
/// verification a `token-field` that is a string field of the JSON body.
pub(crate) fn auth(
    declared: Option<&Value>,
    pointer: &str,
    body: Option<&RequestBody>,
    types: &Types,
) -> Result<Option<AuthRole>, Error> {
    let Some(declared) = declared else {
        return Ok(None);
    };
    let at = |message: String| invalid(pointer, AUTH, message);
    let role_name = declared
        .get("role")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let role = AuthRoleKind::ALL
        .into_iter()
        .find(|r| r.as_str() == role_name)
        .ok_or_else(|| {
            at(format!(
                "role {role_name:?}: expected one of {}",
                AuthRoleKind::ALL.map(AuthRoleKind::as_str).join(", ")
            ))
        })?;
    let token_field = string_member(declared, "token-field", at)?.map(str::to_string);
    match (role, &token_field) {
        (AuthRoleKind::Jwks, None) => {}
        (AuthRoleKind::Jwks, Some(_)) => {
            return Err(at("the jwks role takes no token-field".into()));
        }
        (_, None) => return Err(at(format!("role {role_name} needs a token-field"))),
        (_, Some(field)) => {
            let has_field = body
                .filter(|b| b.encoding == BodyEncoding::Json)
                .and_then(|b| struct_of(types, &b.ty))
                .is_some_and(|s| {
                    s.fields
                        .iter()
                        .any(|f| &f.name == field && f.ty == TypeRef::String)
                });
            if !has_field {
                return Err(at(format!(
                    "token-field {field:?} is not a string field of the operation's JSON body"
                )));
            }
        }
    }
    Ok(Some(AuthRole { role, token_field }))
}

/// `x-clerk-order-by: [field, …]` on a string query parameter: the fields
/// it sorts by.
pub(crate) fn order_by(
    declared: Option<&Value>,
    pointer: &str,
) -> Result<Option<Vec<String>>, Error> {
    let Some(declared) = declared else {
        return Ok(None);
    };
    declared
        .as_array()
        .filter(|fields| !fields.is_empty())
        .and_then(|fields| {
            fields
                .iter()
                .map(|f| {
                    f.as_str()
                        .filter(|s| !s.is_empty() && !s.starts_with(['+', '-']))
                        .map(str::to_string)
                })
                .collect::<Option<Vec<_>>>()
        })
        .map(Some)
        .ok_or_else(|| {
            invalid(
                pointer,
                ORDER_BY,
                "expected a list of field names (without + or -)",
            )
        })
}

/// `x-clerk-primary: [{name, id, list}, …]` on an object schema: checked
/// against its fields (`id` a string field, `list` an array of objects with
/// a string `id`).
pub(crate) fn lookups(
    declared: Option<&Value>,
    pointer: &str,
    fields: &[Field],
    types: &Types,
) -> Result<Vec<Lookup>, Error> {
    let Some(declared) = declared else {
        return Ok(Vec::new());
    };
    let at = |message: String| invalid(pointer, PRIMARY, message);
    let entries = declared
        .as_array()
        .ok_or_else(|| at("expected a list of {name, id, list}".into()))?;
    let mut lookups = Vec::new();
    for entry in entries {
        let name = string_member(entry, "name", at)?.ok_or_else(|| at("needs `name`".into()))?;
        let id = string_member(entry, "id", at)?.ok_or_else(|| at("needs `id`".into()))?;
        let list = string_member(entry, "list", at)?.ok_or_else(|| at("needs `list`".into()))?;
        let field = |n: &str| fields.iter().find(|f| f.name == n);
        if field(id).is_none_or(|f| f.ty != TypeRef::String) {
            return Err(at(format!("`{id}` is not a string field")));
        }
        let items_have_ids = field(list)
            .and_then(|f| array_item(types, &f.ty))
            .and_then(|item| struct_of(types, &item))
            .is_some_and(|s| {
                s.fields
                    .iter()
                    .any(|f| f.name == "id" && f.ty == TypeRef::String)
            });
        if !items_have_ids {
            return Err(at(format!(
                "`{list}` is not a list of objects with a string `id`"
            )));
        }
        lookups.push(Lookup {
            name: snake(name),
            id: id.to_string(),
            list: list.to_string(),
        });
    }
    Ok(lookups)
}

/// `x-clerk-error-body: {list, code, message, long-message?, trace-id?}`
/// on an object schema, checked against its fields.
pub(crate) fn error_body(
    declared: Option<&Value>,
    pointer: &str,
    fields: &[Field],
    types: &Types,
) -> Result<Option<ErrorBody>, Error> {
    let Some(declared) = declared else {
        return Ok(None);
    };
    let at = |message: String| invalid(pointer, ERROR_BODY, message);
    let list = string_member(declared, "list", at)?.ok_or_else(|| at("needs `list`".into()))?;
    let entry = fields
        .iter()
        .find(|f| f.name == list)
        .and_then(|f| array_item(types, &f.ty))
        .and_then(|item| struct_of(types, &item))
        .ok_or_else(|| at(format!("`{list}` is not a list of objects")))?;
    let string_field = |key: &str, required: bool| -> Result<Option<String>, Error> {
        let Some(name) = string_member(declared, key, at)? else {
            return if required {
                Err(at(format!("needs `{key}`")))
            } else {
                Ok(None)
            };
        };
        if !entry
            .fields
            .iter()
            .any(|f| f.name == name && f.ty == TypeRef::String)
        {
            return Err(at(format!(
                "an entry of `{list}` has no string field `{name}`"
            )));
        }
        Ok(Some(name.to_string()))
    };
    let code = string_field("code", true)?.unwrap_or_default();
    let message = string_field("message", true)?.unwrap_or_default();
    let long_message = string_field("long-message", false)?;
    let trace_id = match string_member(declared, "trace-id", at)? {
        None => None,
        Some(name) => {
            if !fields
                .iter()
                .any(|f| f.name == name && f.ty == TypeRef::String)
            {
                return Err(at(format!("the body has no string field `{name}`")));
            }
            Some(name.to_string())
        }
    };
    Ok(Some(ErrorBody {
        list: list.to_string(),
        code,
        message,
        long_message,
        trace_id,
    }))
}
