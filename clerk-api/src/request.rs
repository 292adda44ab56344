//! A request as generated code describes it: method, path, query pairs,
//! headers and body, independent of the HTTP client that sends it (so
//! that it can be sent again on retry).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use crate::error::RequestError;
use crate::upload::File;

/// Characters escaped in a path segment: everything but RFC 3986's
/// unreserved characters. (A narrower set let `\` through, which URL
/// parsers read as `/` in http(s) paths: `/users/..\x` reached `/x`;
/// found by `tests/tests/encoding.rs`.)
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded as one segment.
pub(crate) fn path_segment(value: &impl std::fmt::Display) -> String {
    utf8_percent_encode(&value.to_string(), SEGMENT).to_string()
}

/// A path template with its `{name}` parameters filled in, each value
/// percent-encoded as one segment (so `a/b` cannot reach another path):
/// `path("/users/{user_id}", |name| …)`. A parameter `value_of` has no
/// value for is an error naming it. The typed clients escape the same way.
pub fn path(
    template: &str,
    mut value_of: impl FnMut(&str) -> Option<String>,
) -> Result<String, RequestError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| RequestError::new(format!("path {template:?}: unclosed {{")))?;
        let name = &rest[open + 1..close];
        let value = value_of(name).ok_or_else(|| {
            RequestError::new(format!("path {template:?}: no value for `{name}`"))
        })?;
        if changes_the_endpoint(&value) {
            return Err(RequestError::new(format!(
                "path {template:?}: `{name}` cannot be {value:?} (it would change the endpoint)"
            )));
        }
        out.push_str(&path_segment(&value));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Json(Vec<u8>),
    Form(Vec<(String, String)>),
    Multipart(Multipart),
}

/// Built by generated code step by step; a value that cannot be encoded
/// is noted (the first such) rather than returned, and the call reports it
/// when it is sent, so that building a call is infallible.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    /// The operationId, for errors and logs.
    pub(crate) operation: &'static str,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    invalid: Option<RequestError>,
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

/// Whether a path segment would change which endpoint is called: empty,
/// `.` or `..` (`/users/..` is `/` once the URL is parsed). Such a path
/// parameter is refused before sending.
fn changes_the_endpoint(segment: &str) -> bool {
    matches!(segment, "" | "." | "..")
}

fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, RequestError> {
    serde_json::to_value(value).map_err(|e| RequestError::new(format!("{name}: {e}")))
}

impl Request {
    pub(crate) fn new(method: reqwest::Method, path: String, operation: &'static str) -> Self {
        let invalid = path.split('/').skip(1).any(changes_the_endpoint).then(|| {
            RequestError::new(format!(
                "{operation}: a path parameter is empty, `.` or `..` ({path})"
            ))
        });
        Request {
            method,
            path,
            operation,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            invalid,
        }
    }

    fn note<T>(&mut self, outcome: Result<T, RequestError>) -> Option<T> {
        match outcome {
            Ok(value) => Some(value),
            Err(e) => {
                self.invalid.get_or_insert(e);
                None
            }
        }
    }

    /// The request, or the first value that could not be encoded.
    pub(crate) fn checked(mut self) -> Result<Self, RequestError> {
        match self.invalid.take() {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }

    /// Adds a query parameter; an array adds one `name=value` per element
    /// (`email_address=a&email_address=b`), `null` adds nothing.
    pub(crate) fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match self.note(to_value(name, value)) {
            Some(Value::Array(items)) => {
                for item in &items {
                    if let Some(text) = scalar(item) {
                        self.query.push((name.to_string(), text));
                    }
                }
            }
            Some(other) => {
                if let Some(text) = scalar(&other) {
                    self.query.push((name.to_string(), text));
                }
            }
            None => {}
        }
    }

    /// Adds an array as one comma-separated value (`explode: false`).
    pub(crate) fn query_joined<T: Serialize>(&mut self, name: &str, values: &[T]) {
        let mut texts = Vec::with_capacity(values.len());
        for value in values {
            if let Some(value) = self.note(to_value(name, value)) {
                texts.extend(scalar(&value));
            }
        }
        self.query.push((name.to_string(), texts.join(",")));
    }

    pub(crate) fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(text) = self.note(to_value(name, value)).as_ref().and_then(scalar) {
            self.headers.push((name.to_string(), text));
        }
    }

    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        let bytes = serde_json::to_vec(body).map_err(|first| {
            // Serialize again, tracking the path, to say which field.
            let mut out = Vec::new();
            let mut serializer = serde_json::Serializer::new(&mut out);
            match serde_path_to_error::serialize(body, &mut serializer) {
                Err(e) => {
                    RequestError::new(format!("request body, field `{}`: {}", e.path(), e.inner()))
                }
                Ok(()) => RequestError::new(format!("request body: {first}")),
            }
        });
        if let Some(bytes) = self.note(bytes) {
            self.body = Body::Json(bytes);
        }
    }

    pub(crate) fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        let fields = match self.note(to_value("request body", body)) {
            Some(Value::Object(fields)) => fields,
            Some(_) => {
                self.note::<()>(Err(RequestError::new(
                    "request body: a form must be an object".into(),
                )));
                return;
            }
            None => return,
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
    }

    pub(crate) fn multipart(&mut self, mut form: Multipart) {
        if let Some(e) = form.invalid.take() {
            self.note::<()>(Err(e));
        }
        self.body = Body::Multipart(form);
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Text(String),
    File(File),
}

/// A `multipart/form-data` body: named text and file parts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Multipart {
    pub(crate) parts: Vec<(String, Part)>,
    invalid: Option<RequestError>,
}

impl Multipart {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match to_value(name, value) {
            Ok(value) => {
                if let Some(text) = scalar(&value) {
                    self.parts.push((name.to_string(), Part::Text(text)));
                }
            }
            Err(e) => {
                self.invalid.get_or_insert(e);
            }
        }
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
        r.query("email_address", &["a@x.io", "b@x.io"]);
        r.query("limit", &10);
        r.query("banned", &false);
        r.query("offset", &20.0);
        r.query("ratio", &0.5);
        r.query("query", &Option::<String>::None);
        r.query_joined("ids", &["a", "b"]);
        let r = r.checked().unwrap();
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
        let filled = path("/orgs/{org}/members/{user}", |name| {
            Some(if name == "org" { "o/1" } else { "u 2" }.to_string())
        });
        assert_eq!(filled.unwrap(), "/orgs/o%2F1/members/u%202");
        let err = path("/users/{user_id}", |_| None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "path \"/users/{user_id}\": no value for `user_id`"
        );
    }
}
