//! Spec text → `openapiv3::OpenAPI`, with errors that say where.

use openapiv3::OpenAPI;

use crate::error::Error;

/// An overlay to apply before parsing: its name (for errors) and text.
#[derive(Debug, Clone)]
pub struct OverlayText<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Parses a spec. `file` names it in errors.
pub fn load(file: &str, text: &str) -> Result<OpenAPI, Error> {
    load_with_overlays(file, text, &[]).map(|(spec, _)| spec)
}

/// Parses a spec and applies overlays, in order, before reading it as
/// OpenAPI; returns what each overlay action did.
pub fn load_with_overlays(
    file: &str,
    text: &str,
    overlays: &[OverlayText<'_>],
) -> Result<(OpenAPI, Vec<crate::overlay::Applied>), Error> {
    let mut value = parse(file, text)?;
    let applied = apply_overlays(&mut value, overlays)?;
    Ok((to_openapi(file, &value)?, applied))
}

/// The spec's YAML as JSON, before anything is read from it (callers that
/// need `info.version` to pick overlays read it here, parsing once).
pub fn parse(file: &str, text: &str) -> Result<serde_json::Value, Error> {
    serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
        Some(at) => Error::Yaml {
            file: file.to_string(),
            line: at.line(),
            column: at.column(),
            message: e.to_string(),
        },
        None => Error::YamlNoPosition {
            file: file.to_string(),
            message: e.to_string(),
        },
    })
}

/// Applies overlays, in order; returns what each action did.
pub fn apply_overlays(
    value: &mut serde_json::Value,
    overlays: &[OverlayText<'_>],
) -> Result<Vec<crate::overlay::Applied>, Error> {
    let mut applied = Vec::new();
    for overlay in overlays {
        applied.extend(crate::overlay::apply(value, overlay.name, overlay.text)?);
    }
    Ok(applied)
}

/// Reads a parsed (and overlaid) spec as OpenAPI 3.0, with errors that
/// name the JSON pointer.
///
/// A webhooks document has no `paths` (an empty map is assumed). An
/// OpenAPI 3.1 document is read where it says what 3.0 can: its `webhooks`
/// are read as 3.0's `x-webhooks`, and `type: [T, "null"]` as `type: T,
/// nullable: true`; any other 3.1-only construct fails with its pointer.
pub fn to_openapi(file: &str, value: &serde_json::Value) -> Result<OpenAPI, Error> {
    let version = value.get("openapi").and_then(|v| v.as_str());
    let is_31 = version.is_some_and(|v| v.starts_with("3.1."));
    let needs_paths = value.get("paths").is_none();
    if (is_31 || needs_paths) && value.is_object() {
        let mut normalized = value.clone();
        if let Some(root) = normalized.as_object_mut() {
            if is_31 {
                root.insert("openapi".into(), "3.0.3".into());
                if let Some(webhooks) = root.remove("webhooks") {
                    root.insert(crate::lower::WEBHOOKS.into(), webhooks);
                }
            }
            root.entry("paths")
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
        }
        if is_31 {
            nullable_type_arrays(&mut normalized);
        }
        return to_openapi(file, &normalized);
    }
    match version {
        Some(v) if v.starts_with("3.0.") => {}
        other => {
            return Err(Error::NotOpenApi30 {
                file: file.to_string(),
                found: match other {
                    Some(v) => format!("`openapi: {v}`"),
                    None if value.get("swagger").is_some() => "a Swagger 2.0 document".into(),
                    None => "no `openapi` field".into(),
                },
            });
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        // openapiv3 flattens maps such as `paths`, which hides the failing
        // entry from the path; look into each entry of those maps.
        let (pointer, message) =
            refine(value).unwrap_or_else(|| (pointer_of(e.path()), e.inner().to_string()));
        Error::Schema {
            file: file.to_string(),
            pointer,
            message,
        }
    })
}

/// `type: [T, "null"]` (OpenAPI 3.1) → `type: T, nullable: true` (3.0),
/// everywhere in the document.
fn nullable_type_arrays(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(types)) = map.get("type")
                && types.len() == 2
                && types.iter().any(|t| t == "null")
                && let Some(other) = types.iter().find(|t| *t != "null").cloned()
            {
                map.insert("type".into(), other);
                map.insert("nullable".into(), true.into());
            }
            map.values_mut().for_each(nullable_type_arrays);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(nullable_type_arrays),
        _ => {}
    }
}

/// The pointer and message of the first entry of `paths` or of a
/// `components` map that does not deserialize on its own.
fn refine(value: &serde_json::Value) -> Option<(String, String)> {
    use openapiv3::{Parameter, PathItem, RequestBody, Response, Schema};
    fn first_bad<T: serde::de::DeserializeOwned>(
        map: Option<&serde_json::Value>,
        base: &str,
    ) -> Option<(String, String)> {
        map?.as_object()?.iter().find_map(|(key, entry)| {
            // A `$ref` entry has nothing more to look into (and `ReferenceOr`
            // is untagged, which would hide the path again).
            if entry.get("$ref").is_some() {
                return None;
            }
            let err = serde_path_to_error::deserialize::<_, T>(entry).err()?;
            let inner = pointer_of(err.path());
            let inner = if inner == "/?" { String::new() } else { inner };
            Some((
                format!("{base}/{}{inner}", escape(key)),
                err.inner().to_string(),
            ))
        })
    }
    let components = value.get("components");
    let part = |name: &str| components.and_then(|c| c.get(name));
    first_bad::<PathItem>(value.get("paths"), "/paths")
        .or_else(|| first_bad::<Schema>(part("schemas"), "/components/schemas"))
        .or_else(|| first_bad::<Response>(part("responses"), "/components/responses"))
        .or_else(|| first_bad::<Parameter>(part("parameters"), "/components/parameters"))
        .or_else(|| first_bad::<RequestBody>(part("requestBodies"), "/components/requestBodies"))
}

pub(crate) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A `serde_path_to_error` path as a JSON pointer.
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } => format!("/{}", escape(key)),
            Segment::Enum { variant } => format!("/{variant}"),
            Segment::Unknown => "/?".to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_have_a_position() {
        let err = load("x.yml", "openapi: 3.0.3\ninfo: [\n").unwrap_err();
        assert!(
            matches!(
                err,
                Error::Yaml { line: 3, .. } | Error::Yaml { line: 2, .. }
            ),
            "{err}"
        );
        assert!(err.to_string().starts_with("x.yml:"), "{err}");
    }

    #[test]
    fn other_versions_are_refused() {
        let err = load("x.yml", "openapi: 3.2.0\ninfo: {title: t, version: '1'}\n").unwrap_err();
        assert!(err.to_string().contains("`openapi: 3.2.0`"), "{err}");
        let err = load("x.yml", "swagger: '2.0'\n").unwrap_err();
        assert!(err.to_string().contains("Swagger 2.0"), "{err}");
    }

    #[test]
    fn a_document_that_is_not_a_map_is_an_error() {
        for text in ["5", "[1, 2]", "~"] {
            let err = load("x.yml", text).unwrap_err();
            assert!(matches!(err, Error::NotOpenApi30 { .. }), "{text}: {err}");
        }
    }

    #[test]
    fn openapi_31_webhooks_and_null_types_are_read_as_30() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks:\n  a.b:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: [string, 'null']}\n      responses: {'200': {description: ok}}\n";
        let spec = load("x.yml", text).unwrap();
        let events = &spec.extensions[crate::lower::WEBHOOKS];
        let schema = &events["a.b"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(
            schema,
            &serde_json::json!({"type": "string", "nullable": true})
        );
        assert!(spec.paths.paths.is_empty());
    }

    #[test]
    fn type_errors_have_a_json_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/b:\n    get:\n      responses: 5\n";
        let err = load("x.yml", text).unwrap_err();
        assert!(
            err.to_string()
                .contains("x.yml#/paths/~1a~1b/get/responses"),
            "{err}"
        );
    }
}
