//! A request as generated code describes it: method, path, query pairs,
//! headers and body, independent of the HTTP client that sends it (so
//! that it can be sent again on retry).

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use crate::error::RequestError;
use crate::upload::File;

/// Characters escaped in a path segment (RFC 3986 `pchar` complement).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A path parameter, percent-encoded as one segment.
pub(crate) fn path_segment(value: &impl std::fmt::Display) -> String {
    utf8_percent_encode(&value.to_string(), SEGMENT).to_string()
}

pub(crate) enum Body {
    None,
    Json(Vec<u8>),
    Form(Vec<(String, String)>),
    Multipart(Multipart),
}

pub(crate) struct Request {
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    /// The operationId, for errors and logs.
    pub(crate) operation: &'static str,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
}

/// The text of a scalar JSON value as a query or form value.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        // A whole `number` (some specs type `limit` so) is sent as `3`, not `3.0`.
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                format!("{}", f as i64)
            }
            _ => n.to_string(),
        }),
        other => Some(other.to_string()),
    }
}

fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, RequestError> {
    serde_json::to_value(value).map_err(|e| RequestError::new(format!("{name}: {e}")))
}

impl Request {
    pub(crate) fn new(method: reqwest::Method, path: String, operation: &'static str) -> Self {
        Request {
            method,
            path,
            operation,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
        }
    }

    /// Adds a query parameter; an array adds one `name=value` per element
    /// (`email_address=a&email_address=b`), `null` adds nothing.
    pub(crate) fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        match to_value(name, value)? {
            Value::Array(items) => {
                for item in &items {
                    if let Some(text) = scalar(item) {
                        self.query.push((name.to_string(), text));
                    }
                }
            }
            other => {
                if let Some(text) = scalar(&other) {
                    self.query.push((name.to_string(), text));
                }
            }
        }
        Ok(())
    }

    /// Adds an array as one comma-separated value (`explode: false`).
    pub(crate) fn query_joined<T: Serialize>(
        &mut self,
        name: &str,
        values: &[T],
    ) -> Result<(), RequestError> {
        let mut texts = Vec::with_capacity(values.len());
        for value in values {
            texts.extend(scalar(&to_value(name, value)?));
        }
        self.query.push((name.to_string(), texts.join(",")));
        Ok(())
    }

    pub(crate) fn header<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        if let Some(text) = scalar(&to_value(name, value)?) {
            self.headers.push((name.to_string(), text));
        }
        Ok(())
    }

    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), RequestError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| RequestError::new(format!("request body: {e}")))?;
        self.body = Body::Json(bytes);
        Ok(())
    }

    pub(crate) fn form<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), RequestError> {
        let Value::Object(fields) = to_value("request body", body)? else {
            return Err(RequestError::new(
                "request body: a form must be an object".into(),
            ));
        };
        let mut pairs = Vec::new();
        for (name, value) in fields {
            match value {
                Value::Array(items) => {
                    pairs.extend(items.iter().filter_map(scalar).map(|v| (name.clone(), v)))
                }
                other => pairs.extend(scalar(&other).map(|v| (name.clone(), v))),
            }
        }
        self.body = Body::Form(pairs);
        Ok(())
    }

    pub(crate) fn multipart(&mut self, form: Multipart) {
        self.body = Body::Multipart(form);
    }
}

pub(crate) enum Part {
    Text(String),
    File(File),
}

/// A `multipart/form-data` body: named text and file parts.
#[derive(Default)]
pub(crate) struct Multipart {
    pub(crate) parts: Vec<(String, Part)>,
}

impl Multipart {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn text<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        if let Some(text) = scalar(&to_value(name, value)?) {
            self.parts.push((name.to_string(), Part::Text(text)));
        }
        Ok(())
    }

    pub(crate) fn file(&mut self, name: &str, file: &File) {
        self.parts
            .push((name.to_string(), Part::File(file.clone())));
    }

    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, RequestError> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            form = match part {
                Part::Text(text) => form.text(name.clone(), text.clone()),
                Part::File(file) => {
                    let part = reqwest::multipart::Part::bytes(file.bytes.clone())
                        .file_name(file.file_name.clone())
                        .mime_str(&file.content_type)
                        .map_err(|e| {
                            RequestError::new(format!(
                                "{name}: content type {:?}: {e}",
                                file.content_type
                            ))
                        })?;
                    form.part(name.clone(), part)
                }
            };
        }
        Ok(form)
    }
}

/// Decodes `value` with the first of `attempts` that accepts it, or gives
/// it back. Used for one-of types whose variant is not named by a tag.
pub(crate) fn first_match<T>(
    value: Value,
    attempts: &[fn(Value) -> Option<T>],
) -> Result<T, Value> {
    attempts
        .iter()
        .find_map(|attempt| attempt(value.clone()))
        .ok_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_repeat_keys_and_nulls_vanish() {
        let mut r = Request::new(reqwest::Method::GET, "/users".into(), "GetUserList");
        r.query("email_address", &["a@x.io", "b@x.io"]).unwrap();
        r.query("limit", &10).unwrap();
        r.query("banned", &false).unwrap();
        r.query("offset", &20.0).unwrap();
        r.query("ratio", &0.5).unwrap();
        r.query("query", &Option::<String>::None).unwrap();
        r.query_joined("ids", &["a", "b"]).unwrap();
        let pairs: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            pairs,
            [
                "email_address=a@x.io",
                "email_address=b@x.io",
                "limit=10",
                "banned=false",
                "offset=20",
                "ratio=0.5",
                "ids=a,b"
            ]
        );
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(path_segment(&"user_1"), "user_1");
        assert_eq!(path_segment(&"a/b c?d#"), "a%2Fb%20c%3Fd%23");
    }
}
