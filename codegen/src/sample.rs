//! Sample arguments for every operation, from the model: an `example`
//! where the spec gives one (kept in the model's `Constraints`), otherwise a
//! minimal valid value (required fields only, enums, formats, lengths and
//! bounds respected). The conformance plans call each operation with them.
//! The model has every `$ref` resolved already, so there is one resolver:
//! `lower`'s.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::model::{Api, Constraints, Operation, ParamLocation, TypeKind, TypeRef};

/// The values to call one operation with.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Each argument parameter (path and required ones) by wire name.
    pub args: BTreeMap<String, Value>,
    /// The request body's JSON; for multipart, its non-file fields.
    pub body: Option<Value>,
}

/// Named types followed through at most this many levels, so that
/// recursive types end.
const MAX_DEPTH: usize = 12;

/// A sample for every operation of `api`, by operation id.
pub fn samples(api: &Api) -> BTreeMap<String, Sample> {
    api.operations
        .iter()
        .map(|op| (op.id.clone(), operation(api, op)))
        .collect()
}

fn operation(api: &Api, op: &Operation) -> Sample {
    let mut args = BTreeMap::new();
    for param in op
        .params
        .iter()
        .filter(|p| p.required || p.location == ParamLocation::Path)
    {
        let value = value(api, &param.ty, &param.constraints, 0);
        // A path segment Prism and Clerk both accept.
        let value = match (param.location, value) {
            (ParamLocation::Path, Value::String(s)) if s.is_empty() => json!(param.name),
            (ParamLocation::Path, Value::Null) => json!(param.name),
            (_, v) => v,
        };
        args.insert(param.name.clone(), value);
    }
    let body = op.body.as_ref().map(|body| match &body.example {
        Some(example) => example.clone(),
        None => value(api, &body.ty, &body.constraints, 0),
    });
    Sample { args, body }
}

/// A valid value of `ty` with the use site's `constraints`: an example,
/// else the smallest value that satisfies both.
fn value(api: &Api, ty: &TypeRef, constraints: &Constraints, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(example) = &constraints.example {
        return example.clone();
    }
    let number = |bound: Option<f64>, fallback: f64| bound.unwrap_or(fallback);
    match ty {
        TypeRef::Named(name) => {
            let Some(named) = api.types.get(name) else {
                return Value::Null;
            };
            if let Some(example) = &named.constraints.example {
                return example.clone();
            }
            match &named.kind {
                TypeKind::Enum(values) => values.first().map_or(Value::Null, |v| json!(v.value)),
                TypeKind::Struct(s) => {
                    // Required fields, and the first group an `anyOf` asks
                    // for (`anyOf: [{required: [domain]}, {required: [domains]}]`).
                    let wanted: Vec<&str> = s
                        .fields
                        .iter()
                        .filter(|f| f.required)
                        .map(|f| f.name.as_str())
                        .chain(
                            s.any_of_required
                                .first()
                                .into_iter()
                                .flatten()
                                .map(String::as_str),
                        )
                        .collect();
                    let mut object = Map::new();
                    for field in s
                        .fields
                        .iter()
                        .filter(|f| wanted.contains(&f.name.as_str()))
                    {
                        object.insert(
                            field.name.clone(),
                            value(api, &field.ty, &field.constraints, depth + 1),
                        );
                    }
                    Value::Object(object)
                }
                TypeKind::OneOf(one_of) => one_of.variants.first().map_or(json!({}), |v| {
                    value(api, &v.ty, &Constraints::default(), depth + 1)
                }),
                TypeKind::Alias(target) => value(api, target, &named.constraints, depth + 1),
            }
        }
        _ if constraints.default.is_some() => constraints.default.clone().unwrap_or_default(),
        TypeRef::String | TypeRef::Binary => string(constraints),
        TypeRef::I32 | TypeRef::I64 => {
            let value = number(constraints.minimum, 1.0).max(1.0);
            json!(constraints.maximum.map_or(value, |m| value.min(m)) as i64)
        }
        TypeRef::F64 => {
            let value = number(constraints.minimum, 1.0).max(1.0);
            json!(constraints.maximum.map_or(value, |m| value.min(m)))
        }
        TypeRef::Bool => json!(true),
        TypeRef::Array(item) => {
            let count = constraints.min_items.unwrap_or(0);
            let items = constraints.items.as_deref().cloned().unwrap_or_default();
            let item = value(api, item, &items, depth + 1);
            Value::Array((0..count).map(|_| item.clone()).collect())
        }
        // A sort order: the first field it sorts by.
        TypeRef::Order(fields) => value(api, fields, &Constraints::default(), depth + 1),
        // Free-form: the empty object is one.
        TypeRef::Map(_) | TypeRef::Json => json!({}),
    }
}

/// A string that satisfies the constraints' `pattern`, format and length
/// bounds.
fn string(constraints: &Constraints) -> Value {
    let min = constraints.min_length.unwrap_or(0) as usize;
    let max = constraints.max_length.map_or(usize::MAX, |m| m as usize);
    if let Some(matching) = constraints
        .pattern
        .as_deref()
        .and_then(pattern)
        .filter(|m| (min..=max).contains(&m.len()))
    {
        return json!(matching);
    }
    let base = match constraints.format.as_deref() {
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
    fn minimal_values_respect_the_constraints() {
        let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    post:
      operationId: CreateThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name, role, seats, tags, when, nested]
              properties:
                name: {type: string, minLength: 12}
                role: {$ref: '#/components/schemas/Role'}
                seats: {type: integer, minimum: 5}
                tags: {type: array, minItems: 2, items: {type: string, format: email}}
                when: {type: string, format: date-time}
                nested: {type: object, required: [x], properties: {x: {type: boolean}, y: {type: string}}}
                optional: {type: string}
      responses: {'200': {description: ok}}
  /things/{thing_id}:
    get:
      operationId: GetThing
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string, example: thing_2x}}
      responses: {'200': {description: ok}}
  /saml:
    post:
      operationId: CreateSaml
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                domain: {type: string, format: hostname}
                domains: {type: array, items: {type: string}}
              anyOf: [{required: [domain]}, {required: [domains]}]
      responses: {'200': {description: ok}}
components:
  schemas:
    Role: {type: string, enum: [admin, member]}
"#;
        let value = crate::load::parse("t.yml", spec).unwrap();
        let api = crate::lower::lower(&crate::load::to_openapi("t.yml", &value).unwrap()).unwrap();
        let samples = samples(&api);
        assert_eq!(
            samples["CreateThing"].body,
            Some(json!({
                "name": "samplexxxxxx", "role": "admin", "seats": 5,
                "tags": ["user@example.com", "user@example.com"],
                "when": "2025-01-01T00:00:00Z", "nested": {"x": true}
            }))
        );
        assert_eq!(samples["GetThing"].args["thing_id"], json!("thing_2x"));
        // `anyOf` alternatives that only add `required` (Clerk's SAML connections).
        assert_eq!(
            samples["CreateSaml"].body,
            Some(json!({"name": "sample", "domain": "example.com"}))
        );
    }
}
