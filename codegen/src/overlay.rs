//! OpenAPI Overlay 1.0: corrections to a spec kept as data. Each action
//! selects nodes with an RFC 9535 JSONPath `target` and either merges an
//! `update` into them or `remove`s them. Clerk keeps its own corrections
//! this way (`.speakeasy/bapi/fixes.yml`); ours live in `specs/overlays/`.

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::error::Error;

#[derive(Debug, Deserialize)]
struct Document {
    overlay: String,
    #[serde(default)]
    actions: Vec<Action>,
}

#[derive(Debug, Deserialize)]
struct Action {
    target: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    update: Option<Value>,
    #[serde(default)]
    remove: bool,
}

/// What one action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// `file#/actions/N`.
    pub action: String,
    pub description: Option<String>,
    /// How many nodes the target selected.
    pub matched: usize,
}

/// Applies the overlay in `text` (named `file` in errors) to `spec`.
pub fn apply(spec: &mut Value, file: &str, text: &str) -> Result<Vec<Applied>, Error> {
    let invalid = |pointer: String, message: String| Error::Overlay {
        file: file.to_string(),
        pointer,
        message,
    };
    let document: Document =
        serde_yaml_ng::from_str(text).map_err(|e| invalid(String::new(), e.to_string()))?;
    if !document.overlay.starts_with("1.") {
        return Err(invalid(
            "/overlay".into(),
            format!("version {:?}: expected 1.x", document.overlay),
        ));
    }
    let mut report = Vec::with_capacity(document.actions.len());
    for (i, action) in document.actions.iter().enumerate() {
        let at = format!("/actions/{i}");
        let path = JsonPath::parse(&action.target)
            .map_err(|e| invalid(format!("{at}/target"), format!("{:?}: {e}", action.target)))?;
        let mut pointers: Vec<String> = path
            .query_located(spec)
            .locations()
            .map(|location| location.to_json_pointer())
            .collect();
        match (&action.update, action.remove) {
            (Some(_), true) | (None, false) => {
                return Err(invalid(
                    at,
                    "an action needs exactly one of `update` and `remove: true`".into(),
                ));
            }
            (None, true) => {
                // Remove later array elements first, so that earlier
                // indices stay valid.
                pointers.sort_by(|a, b| b.cmp(a));
                for pointer in &pointers {
                    remove(spec, pointer);
                }
            }
            (Some(update), false) => {
                for pointer in &pointers {
                    if let Some(node) = spec.pointer_mut(pointer) {
                        merge(node, update);
                    }
                }
            }
        }
        report.push(Applied {
            action: format!("{file}#{at}"),
            description: action.description.clone(),
            matched: pointers.len(),
        });
    }
    Ok(report)
}

fn remove(spec: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match spec.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

/// Overlay 1.0 merge: objects merge key by key, arrays get the update's
/// items appended, anything else is replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(update)) => target.extend(update.iter().cloned()),
        (Value::Array(target), update) => target.push(update.clone()),
        (target, update) => *target = update.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn updates_merge_and_removals_remove() {
        let mut spec = json!({
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]},
                "B": {"type": "string"},
                "C": {"type": "integer"}
            }}
        });
        let overlay = r#"
overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.components.schemas.A
    description: add a property
    update: {properties: {y: {type: integer}}, required: [y]}
  - target: $.components.schemas[?@.type == 'string']
    remove: true
  - target: $.components.schemas.Missing
    update: {type: string}
"#;
        let applied = apply(&mut spec, "fix.yaml", overlay).unwrap();
        let matched: Vec<usize> = applied.iter().map(|a| a.matched).collect();
        assert_eq!(matched, [1, 1, 0]);
        assert_eq!(applied[0].action, "fix.yaml#/actions/0");
        assert_eq!(
            spec,
            json!({"components": {"schemas": {
                "A": {"type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "integer"}}, "required": ["x", "y"]},
                "C": {"type": "integer"}
            }}})
        );
    }

    #[test]
    fn bad_overlays_say_where() {
        let mut spec = json!({});
        let err = apply(
            &mut spec,
            "fix.yaml",
            "overlay: 1.0.0\nactions:\n  - target: $[\n    remove: true\n",
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("fix.yaml#/actions/0/target:"),
            "{err}"
        );
        let err = apply(
            &mut spec,
            "fix.yaml",
            "overlay: 1.0.0\nactions:\n  - target: $.a\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("exactly one of"), "{err}");
        let err = apply(&mut spec, "fix.yaml", "overlay: 2.0.0\n").unwrap_err();
        assert!(err.to_string().contains("expected 1.x"), "{err}");
    }
}
