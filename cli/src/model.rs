//! The models the CLI runs from: one per kind and version, written by
//! `cargo xtask gen` as JSON and embedded ([`crate::models`]), read once.
//! Everything the CLI knows of an operation (parameters, types, paging,
//! metadata rule, what it destroys) is read here, as data.

use std::fmt::Write as _;
use std::sync::Mutex;

use clerk_api_model::{Api, Operation, Struct, TypeKind, TypeRef};

/// The versions of `kind` compiled in, oldest first.
pub fn versions(kind: &str) -> Vec<&'static str> {
    crate::models::MODELS
        .iter()
        .filter(|(k, _, _)| *k == kind)
        .map(|(_, version, _)| *version)
        .collect()
}

/// The model of `kind` at `version` (the newest when `None`). Read once
/// per process and kept for its lifetime, so that its names can be
/// handed to the runtime as `&'static str`.
pub fn load(kind: &str, version: Option<&str>) -> Result<&'static Api, String> {
    let known = versions(kind);
    let wanted = match version {
        None => known.last().copied(),
        Some(v) => known.iter().copied().find(|k| *k == v),
    };
    let Some(found) = wanted else {
        let what = if kind == "bapi" { "API" } else { kind };
        return Err(format!(
            "{what} version {} is not compiled in (compiled in: {})",
            version.unwrap_or("(any)"),
            known.join(", ")
        ));
    };
    static LOADED: Mutex<Vec<(&'static str, &'static str, &'static Api)>> = Mutex::new(Vec::new());
    let Some(&(kind, found, json)) = crate::models::MODELS
        .iter()
        .find(|(k, v, _)| *k == kind && *v == found)
    else {
        return Err(format!("no embedded {kind} model of {found}"));
    };
    let mut loaded = LOADED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&(_, _, api)) = loaded.iter().find(|(k, v, _)| *k == kind && *v == found) {
        return Ok(api);
    }
    let api: Api = serde_json::from_str(json)
        .map_err(|e| format!("the embedded {kind} model of {found}: {e}"))?;
    let api: &'static Api = Box::leak(Box::new(api));
    loaded.push((kind, found, api));
    Ok(api)
}

/// `group.name` as commands spell it (`users.list`).
pub fn label(op: &Operation) -> String {
    format!("{}.{}", op.group, op.name)
}

/// The command name of a group or an operation (`organization-memberships`).
pub fn command_name(name: &str) -> String {
    name.replace('_', "-")
}

/// `users.list`, `users list`, `GET /users`, or an old name kept as an alias.
pub fn find<'a>(api: &'a Api, words: &[String]) -> Option<&'a Operation> {
    let named = |group: &str, name: &str| {
        let (group, name) = (group.replace('-', "_"), name.replace('-', "_"));
        api.operations
            .iter()
            .find(|o| o.group == group && (o.name == name || o.aliases.contains(&name)))
    };
    match words {
        [one] => {
            let (group, name) = one.split_once('.')?;
            named(group, name)
        }
        [method, path] if method.chars().all(|c| c.is_ascii_uppercase()) => api
            .operations
            .iter()
            .find(|o| o.method.as_str() == method && o.path == *path),
        [group, name] => named(group, name),
        _ => None,
    }
}

/// The first tag of an operation (the one Clerk's reference files it under).
pub fn tag(op: &Operation) -> &str {
    op.tags.first().map_or("", String::as_str)
}

/// Tags with their number of operations, by name.
pub fn tags(api: &Api) -> Vec<(&str, usize)> {
    let mut tags: Vec<(&str, usize)> = Vec::new();
    for op in &api.operations {
        match tags.iter_mut().find(|(t, _)| *t == tag(op)) {
            Some((_, n)) => *n += 1,
            None => tags.push((tag(op), 1)),
        }
    }
    tags.sort();
    tags
}

/// The first line of a text, trimmed.
pub fn first_line(text: Option<&str>) -> &str {
    text.and_then(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or_default()
}

/// How deep [`tree`] expands nested objects; deeper ones show their type.
const DEPTH: usize = 3;

/// The fields of `ty`, indented, nested objects expanded a few levels
/// (`name*: type | null — doc`, `*` for required).
pub fn tree(api: &Api, ty: &TypeRef, depth: usize, seen: &mut Vec<String>, out: &mut String) {
    let Some(struct_) = struct_of(api, ty) else {
        return;
    };
    let name = named(element(ty)).unwrap_or_default().to_string();
    if seen.contains(&name) {
        return;
    }
    seen.push(name);
    for field in &struct_.fields {
        let required = if field.required { "*" } else { "" };
        let nullable = if field.nullable { " | null" } else { "" };
        let doc = match first_line(field.description.as_deref()) {
            "" => String::new(),
            line => format!(" — {line}"),
        };
        let _ = writeln!(
            out,
            "{}{}{required}: {}{nullable}{doc}",
            "  ".repeat(depth),
            field.name,
            display(api, &field.ty)
        );
        if depth < DEPTH {
            tree(api, element(&field.ty), depth + 1, seen, out);
        }
    }
    seen.pop();
}

fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// The type inside arrays and maps.
pub fn element(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) => element(inner),
        other => other,
    }
}

/// The object a type is, through aliases.
pub fn struct_of<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a Struct> {
    match &api.types.get(named(element(ty))?)?.kind {
        TypeKind::Struct(s) => Some(s),
        TypeKind::Alias(target) => struct_of(api, target),
        _ => None,
    }
}

/// The values of a string enum, through aliases.
pub fn enum_values<'a>(api: &'a Api, ty: &TypeRef) -> Option<Vec<&'a str>> {
    match &api.types.get(named(ty)?)?.kind {
        TypeKind::Enum(values) => Some(values.iter().map(|v| v.value.as_str()).collect()),
        TypeKind::Alias(target) => enum_values(api, target),
        _ => None,
    }
}

/// A type as a reader of JSON sees it.
pub fn display(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => match api.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Enum(values)) => {
                let values: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
                format!("one of {}", values.join(", "))
            }
            Some(TypeKind::OneOf(one_of)) => {
                let variants: Vec<String> = one_of
                    .variants
                    .iter()
                    .map(|v| display(api, &v.ty))
                    .collect();
                format!("one of ({})", variants.join(" | "))
            }
            Some(TypeKind::Alias(target)) => display(api, target),
            _ => name.clone(),
        },
        TypeRef::String => "string".into(),
        TypeRef::I32 | TypeRef::I64 => "integer".into(),
        TypeRef::F64 => "number".into(),
        TypeRef::Bool => "boolean".into(),
        TypeRef::Binary => "file".into(),
        TypeRef::Array(inner) => format!("[{}]", display(api, inner)),
        TypeRef::Map(inner) if **inner == TypeRef::Json => "object".into(),
        TypeRef::Map(inner) => format!("{{string: {}}}", display(api, inner)),
        TypeRef::Json => "any JSON".into(),
        TypeRef::Order(fields) => match enum_values(api, fields) {
            Some(values) => format!(
                "a field, +field or -field, field one of {}",
                values.join(", ")
            ),
            None => "a sort order".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found while writing the `cli_args` fuzz target: every load parsed
    /// the embedded model again and leaked it.
    #[test]
    fn a_model_is_read_once_per_process() {
        let first = load("bapi", None).unwrap();
        let again = load("bapi", Some(&first.version)).unwrap();
        assert!(std::ptr::eq(first, again));
        let webhooks = load("webhooks", None).unwrap();
        assert!(std::ptr::eq(webhooks, load("webhooks", None).unwrap()));
        assert!(load("bapi", Some("1999-01-01")).is_err());
    }
}
