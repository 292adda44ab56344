//! Sample arguments for every operation, from the spec: a parameter's or
//! schema's `example` where there is one, otherwise a minimal valid value
//! (required properties only, enums, formats, lengths and bounds
//! respected). The conformance plan calls each operation with them.
//!
//! This reads the spec as JSON rather than the model because the model
//! keeps what the Rust code needs, not examples, formats or bounds.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::model::{Api, BodyEncoding, Operation, ParamLocation};

/// The values to call one operation with.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Each argument parameter (path and required ones) by wire name.
    pub args: BTreeMap<String, Value>,
    /// The request body's JSON; for multipart, its non-file fields.
    pub body: Option<Value>,
}

/// `$ref`s followed through at most this many levels, so that recursive
/// schemas end.
const MAX_DEPTH: usize = 12;

/// A sample for every operation of `api`, by operation id. `spec` is the
/// document `api` was lowered from (after overlays), as JSON.
pub fn samples(spec: &Value, api: &Api) -> BTreeMap<String, Sample> {
    api.operations
        .iter()
        .map(|op| (op.id.clone(), operation(spec, op)))
        .collect()
}

fn operation(spec: &Value, op: &Operation) -> Sample {
    let raw = spec.pointer(&op.pointer).unwrap_or(&Value::Null);
    // Parameters of the operation, then of its path item (which they override).
    let path_item_pointer = op.pointer.rsplit_once('/').map_or("", |(p, _)| p);
    let path_item = spec.pointer(path_item_pointer).unwrap_or(&Value::Null);
    let declared: Vec<&Value> = [raw, path_item]
        .iter()
        .filter_map(|v| v.get("parameters")?.as_array())
        .flatten()
        .map(|p| resolve(spec, p))
        .collect();
    let mut args = BTreeMap::new();
    for param in op
        .params
        .iter()
        .filter(|p| p.required || p.location == ParamLocation::Path)
    {
        let found = declared.iter().find(|d| {
            d.get("name").and_then(Value::as_str) == Some(&param.name)
                && d.get("in").and_then(Value::as_str) == Some(param.location.as_str())
        });
        let value = match found {
            Some(d) => match d.get("example") {
                Some(example) => example.clone(),
                None => schema(spec, d.get("schema").unwrap_or(&Value::Null), 0),
            },
            None => Value::Null,
        };
        // A path segment Prism and Clerk both accept.
        let value = match (param.location, value) {
            (ParamLocation::Path, Value::String(s)) if s.is_empty() => json!(param.name),
            (ParamLocation::Path, Value::Null) => json!(param.name),
            (_, v) => v,
        };
        args.insert(param.name.clone(), value);
    }
    let body = op.body.as_ref().map(|body| {
        let media = match body.encoding {
            BodyEncoding::Json => "application/json",
            BodyEncoding::Multipart => "multipart/form-data",
            BodyEncoding::FormUrlEncoded => "application/x-www-form-urlencoded",
        };
        let request_body = raw.get("requestBody").map(|b| resolve(spec, b));
        let content = request_body
            .and_then(|b| b.get("content"))
            .and_then(|c| c.get(media));
        match content {
            Some(content) => match content.get("example") {
                Some(example) => example.clone(),
                None => schema(spec, content.get("schema").unwrap_or(&Value::Null), 0),
            },
            None => json!({}),
        }
    });
    Sample { args, body }
}

/// Follows `$ref`s (local ones, `#/…`) to the value they name.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_DEPTH {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference
                .strip_prefix('#')
                .and_then(|pointer| spec.pointer(pointer))
            {
                Some(target) => value = target,
                None => return &Value::Null,
            },
            None => return value,
        }
    }
    value
}

/// A valid value of `schema`: its example, else the smallest value that
/// satisfies it.
fn schema(spec: &Value, schema: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let schema = resolve(spec, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| values.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    if let Some(default) = schema.get("default") {
        return default.clone();
    }
    let is_object = schema.get("type").and_then(Value::as_str) == Some("object")
        || schema.get("properties").is_some();
    if is_object || schema.get("allOf").is_some() {
        return object(spec, schema, depth);
    }
    for choice in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(choice)
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return self::schema(spec, first, depth + 1);
        }
    }
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => string(schema),
        Some("integer") => {
            let value = number("minimum").map_or(1.0, |m| m.max(1.0));
            let value = number("maximum").map_or(value, |m| value.min(m));
            json!(value as i64)
        }
        Some("number") => {
            let value = number("minimum").map_or(1.0, |m| m.max(1.0));
            json!(number("maximum").map_or(value, |m| value.min(m)))
        }
        Some("boolean") => json!(true),
        Some("array") => {
            let count = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = self::schema(spec, schema.get("items").unwrap_or(&Value::Null), depth + 1);
            Value::Array((0..count).map(|_| item.clone()).collect())
        }
        Some(_) => Value::Null,
        // No type: any value; the empty object is one.
        None => json!({}),
    }
}

/// An object with the required properties of `schema`, its `allOf` parts
/// and the first alternative of its `oneOf`/`anyOf` (which may only add
/// `required`, as in `anyOf: [{required: [domain]}, {required: [domains]}]`).
fn object(spec: &Value, schema: &Value, depth: usize) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    gather(spec, schema, depth, &mut properties, &mut required);
    let mut object = Map::new();
    for name in required {
        if object.contains_key(&name) {
            continue;
        }
        let property = properties.get(&name).cloned().unwrap_or(Value::Null);
        object.insert(name, self::schema(spec, &property, depth + 1));
    }
    Value::Object(object)
}

fn gather(
    spec: &Value,
    schema: &Value,
    depth: usize,
    properties: &mut Map<String, Value>,
    required: &mut Vec<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(spec, schema);
    if let Some(own) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in own {
            properties
                .entry(name.clone())
                .or_insert_with(|| property.clone());
        }
    }
    let names = schema.get("required").and_then(Value::as_array);
    required.extend(
        names
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string),
    );
    let parts = schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let first_choice = ["oneOf", "anyOf"]
        .iter()
        .find_map(|choice| schema.get(*choice)?.as_array()?.first());
    for part in parts.chain(first_choice) {
        gather(spec, part, depth + 1, properties, required);
    }
}

/// A string that satisfies the schema's `pattern`, format and length
/// bounds.
fn string(schema: &Value) -> Value {
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    if let Some(matching) = schema
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(pattern)
        .filter(|m| (min..=max).contains(&m.len()))
    {
        return json!(matching);
    }
    let base = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2025-01-01T00:00:00Z",
        Some("date") => "2025-01-01",
        Some("email") => "user@example.com",
        Some("uri" | "url") => "https://example.com",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        Some("ipv4") => "127.0.0.1",
        Some("hostname") => "example.com",
        _ => "sample",
    };
    let mut value = base.to_string();
    while value.len() < min {
        value.push('x');
    }
    value.truncate(max.max(min));
    json!(value)
}

/// The shortest string a regular expression matches, for the subset
/// specs use: literals, `^…$`, groups and alternatives (the first is
/// taken), classes, `\\w \\d \\S .`, and quantifiers. `None` for anything
/// else, so that a sample never pretends to match.
fn pattern(regex: &str) -> Option<String> {
    let chars: Vec<char> = regex.chars().collect();
    let (out, end) = sequence(&chars, 0)?;
    (end == chars.len()).then_some(out)
}

/// Parses alternatives from `i` until `)` or the end; returns the first
/// alternative's shortest match and where parsing stopped.
fn sequence(chars: &[char], mut i: usize) -> Option<(String, usize)> {
    let mut first: Option<String> = None;
    let mut current = String::new();
    while i < chars.len() && chars[i] != ')' {
        if chars[i] == '|' {
            first.get_or_insert(std::mem::take(&mut current));
            i += 1;
            continue;
        }
        let (atom, next) = match chars[i] {
            '^' | '$' => (String::new(), i + 1),
            '(' => {
                let start = if chars.get(i + 1) == Some(&'?') && chars.get(i + 2) == Some(&':') {
                    i + 3
                } else {
                    i + 1
                };
                let (inner, end) = sequence(chars, start)?;
                (chars.get(end) == Some(&')')).then_some(())?;
                (inner, end + 1)
            }
            '[' => {
                let end = i + chars[i..].iter().position(|&c| c == ']')?;
                let class = &chars[i + 1..end];
                let c = match class.first()? {
                    '^' => ['a', 'b', '0']
                        .into_iter()
                        .find(|c| !class[1..].contains(c))?,
                    '\\' => escape(*class.get(1)?)?,
                    &c => c,
                };
                (c.to_string(), end + 1)
            }
            '\\' => (escape(*chars.get(i + 1)?)?.to_string(), i + 2),
            '.' => ("a".to_string(), i + 1),
            '*' | '+' | '?' | '{' | ']' | '}' => return None,
            c => (c.to_string(), i + 1),
        };
        // Quantifiers: the minimum count.
        let (count, next) = match chars.get(next) {
            Some('*') | Some('?') => (0, next + 1),
            Some('+') => (1, next + 1),
            Some('{') => {
                let end = next + chars[next..].iter().position(|&c| c == '}')?;
                let inside: String = chars[next + 1..end].iter().collect();
                let min = inside.split(',').next()?.trim().parse().ok()?;
                (min, end + 1)
            }
            _ => (1, next),
        };
        current.push_str(&atom.repeat(count));
        i = next;
    }
    Some((first.unwrap_or(current), i))
}

/// A character an escape such as `\\w` matches.
fn escape(c: char) -> Option<char> {
    match c {
        'w' | 'S' => Some('a'),
        'd' => Some('0'),
        's' => Some(' '),
        c if c.is_ascii_punctuation() => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_get_their_shortest_match() {
        for (regex, expected) in [
            (
                "^aplt_[0-9A-Fa-f]{32}$",
                "aplt_00000000000000000000000000000000",
            ),
            (
                "^(user|org|mch)_\\w{27}$",
                "user_aaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ),
            ("^oauth_(?:(?:token_)|(?:custom_))?[a-z]+$", "oauth_a"),
            ("^[^_][A-Za-z0-9_-]*$", "a"),
            ("^(\\S(.*\\S)?)?$", ""),
            ("^[A-Z]{2}$", "AA"),
        ] {
            assert_eq!(pattern(regex).as_deref(), Some(expected), "{regex}");
        }
        assert_eq!(pattern("^a{2,"), None);
    }

    #[test]
    fn minimal_values_respect_the_schema() {
        let spec = json!({"components": {"schemas": {"Role": {"type": "string", "enum": ["admin", "member"]}}}});
        let object = json!({
            "type": "object",
            "required": ["name", "role", "seats", "tags", "when", "nested"],
            "properties": {
                "name": {"type": "string", "minLength": 12},
                "role": {"$ref": "#/components/schemas/Role"},
                "seats": {"type": "integer", "minimum": 5},
                "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "format": "email"}},
                "when": {"type": "string", "format": "date-time"},
                "nested": {"type": "object", "required": ["x"], "properties": {"x": {"type": "boolean"}, "y": {"type": "string"}}},
                "optional": {"type": "string"}
            }
        });
        assert_eq!(
            schema(&spec, &object, 0),
            json!({
                "name": "samplexxxxxx", "role": "admin", "seats": 5,
                "tags": ["user@example.com", "user@example.com"],
                "when": "2025-01-01T00:00:00Z", "nested": {"x": true}
            })
        );
        assert_eq!(
            schema(&spec, &json!({"type": "string", "example": "user_2x"}), 0),
            json!("user_2x")
        );
        // `anyOf` alternatives that only add `required` (Clerk's SAML connections).
        let either = json!({
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "domain": {"type": "string", "format": "hostname"}, "domains": {"type": "array"}},
            "anyOf": [{"required": ["domain"]}, {"required": ["domains"]}]
        });
        assert_eq!(
            schema(&spec, &either, 0),
            json!({"name": "sample", "domain": "example.com"})
        );
    }
}
