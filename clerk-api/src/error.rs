//! The one error type of every operation.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

/// Why an operation failed. `E` is the type the operation's declared error
/// responses decode into (for Clerk, the version's `ClerkErrors`; each
/// version module names the whole type `Error`).
///
/// Calls have been retried as the [`RetryPolicy`](crate::RetryPolicy)
/// allows before an error is returned: a 429 after its `Retry-After`, and
/// 5XX answers and connection failures of idempotent methods.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// Clerk answered with an error status. (Boxed: it keeps the headers,
    /// and a `Result` of this error stays small.)
    Api(Box<ApiError<E>>),
    /// A success response whose body does not match the operation's type.
    Decode(DecodeError),
    /// The request could not be sent or the response not read (connection,
    /// TLS, timeout). The source says which.
    Transport(reqwest::Error),
    /// The request could not be built from the given values.
    Request(RequestError),
    /// The response body is larger than the client's
    /// `max_response_size` (32 MiB by default): reading stopped there.
    ResponseTooLarge {
        operation: &'static str,
        status: u16,
        limit: usize,
    },
}

/// What an error body says, read the way its type declares
/// (`x-clerk-error-body`): implemented by each version's `ClerkErrors`.
pub trait ErrorBody {
    /// The machine-readable code of the first error (`resource_not_found`).
    fn code(&self) -> Option<&str>;
    /// The longest human-readable message of the first error.
    fn message(&self) -> Option<&str>;
    /// The trace id the body carries, for Clerk's support.
    fn trace_id(&self) -> Option<&str> {
        None
    }
}

/// Bodies read as plain JSON (calls described at run time, as the CLI
/// makes them) are read in the shape every version's `ClerkErrors`
/// declares with `x-clerk-error-body`: `errors[0].code`,
/// `errors[0].long_message` or `message`, `clerk_trace_id`.
impl ErrorBody for serde_json::Value {
    fn code(&self) -> Option<&str> {
        self.pointer("/errors/0/code")?.as_str()
    }
    fn message(&self) -> Option<&str> {
        let first = self.pointer("/errors/0")?;
        first
            .get("long_message")
            .and_then(serde_json::Value::as_str)
            .or_else(|| first.get("message")?.as_str())
    }
    fn trace_id(&self) -> Option<&str> {
        self.get("clerk_trace_id")?.as_str()
    }
}

/// Operations that declare no error body.
impl ErrorBody for () {
    fn code(&self) -> Option<&str> {
        None
    }
    fn message(&self) -> Option<&str> {
        None
    }
}

/// An error status from Clerk, with its decoded body. Nothing the server
/// said is dropped: the headers and the start of the raw body are kept.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError<E> {
    pub status: u16,
    /// The body decoded into the declared error type; `None` when the body
    /// is empty or does not match it (`raw_body` has it either way).
    pub body: Option<E>,
    /// The whole body as received (at most the client's
    /// `max_response_size`): see [`ApiError::body_json`].
    pub raw_body: bytes::Bytes,
    /// The response's headers.
    pub headers: HeaderMap,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<Duration>,
    /// The operationId of the request.
    pub operation: &'static str,
}

impl<E> ApiError<E> {
    /// The body as JSON, if it is JSON at all (also when it does not fit
    /// the declared error type).
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.raw_body).ok()
    }

    /// The start of the body, as text, for messages.
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.raw_body)
    }
}

impl<E: ErrorBody> ApiError<E> {
    /// The code of the first error of the body (`form_identifier_exists`).
    pub fn code(&self) -> Option<&str> {
        self.body.as_ref()?.code()
    }

    /// The message of the first error of the body.
    pub fn message(&self) -> Option<&str> {
        self.body.as_ref()?.message()
    }

    /// The body's trace id, else the `cf-ray` header: what Clerk's
    /// support asks for.
    pub fn trace_id(&self) -> Option<&str> {
        self.body
            .as_ref()
            .and_then(ErrorBody::trace_id)
            .or_else(|| self.headers.get("cf-ray")?.to_str().ok())
    }
}

/// A response body that does not decode into the operation's type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    pub status: u16,
    /// Where decoding stopped, e.g. `data[3].email_addresses[0].verification`.
    pub path: String,
    pub message: String,
    /// The whole body as received (at most the client's
    /// `max_response_size`): the request may have changed data (a `POST`
    /// that created a user), so nothing the server said is dropped.
    pub raw_body: bytes::Bytes,
    pub operation: &'static str,
}

impl DecodeError {
    /// The body as JSON, if it is JSON at all.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.raw_body).ok()
    }

    /// The start of the body, as text, for messages.
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.raw_body)
    }
}

/// A request value that cannot be encoded.
#[derive(Debug, Clone)]
pub struct RequestError {
    message: String,
}

impl RequestError {
    pub(crate) fn new(message: String) -> Self {
        RequestError { message }
    }
}

impl<E> Error<E> {
    /// The HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Request(_) => None,
        }
    }

    /// Whether Clerk answered 404 (no such user, organization…).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether Clerk answered 429 after every retry the policy allowed
    /// (see [`ApiError::retry_after`]).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// Whether sending the same request later may succeed: a 429, a 5XX,
    /// or a connection failure or timeout. (The call has already been
    /// retried as its [`RetryPolicy`](crate::RetryPolicy) allows.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.status == 429 || e.status >= 500,
            Error::Transport(e) => e.is_connect() || e.is_timeout(),
            Error::Decode(_) | Error::Request(_) | Error::ResponseTooLarge { .. } => false,
        }
    }

    /// The API error, if Clerk answered with an error status.
    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(e) => Some(&**e),
            _ => None,
        }
    }
}

impl<E: ErrorBody> Error<E> {
    /// The code of Clerk's first error (`resource_not_found`,
    /// `form_identifier_exists`…), for an error status with Clerk's body.
    pub fn code(&self) -> Option<&str> {
        self.api()?.code()
    }

    /// The message of Clerk's first error.
    pub fn message(&self) -> Option<&str> {
        self.api()?.message()
    }

    /// The trace id of an error status (see [`ApiError::trace_id`]).
    pub fn trace_id(&self) -> Option<&str> {
        self.api()?.trace_id()
    }
}

impl<E> From<RequestError> for Error<E> {
    fn from(e: RequestError) -> Self {
        Error::Request(e)
    }
}

/// `GetUser: HTTP 404 resource_not_found: User not found (trace id …)`.
impl<E: ErrorBody> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => {
                write!(f, "{}: HTTP {}", e.operation, e.status)?;
                match (e.code(), e.message()) {
                    (Some(code), Some(message)) => write!(f, " {code}: {message}")?,
                    (Some(code), None) => write!(f, " {code}")?,
                    (None, Some(message)) => write!(f, ": {message}")?,
                    (None, None) if !e.raw_body.is_empty() => {
                        write!(f, ": {}", excerpt(&e.raw_body))?
                    }
                    (None, None) => {}
                }
                if let Some(trace) = e.trace_id() {
                    write!(f, " (trace id {trace})")?;
                }
                Ok(())
            }
            Error::Decode(e) => write!(
                f,
                "{}: the HTTP {} response does not match its type at `{}`: {} (body starts: {})",
                e.operation,
                e.status,
                e.path,
                e.message,
                excerpt(&e.raw_body)
            ),
            Error::ResponseTooLarge {
                operation,
                status,
                limit,
            } => write!(
                f,
                "{operation}: the HTTP {status} response is larger than the client's limit of {limit} bytes (ClientBuilder::max_response_size)"
            ),
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::Request(e) => write!(f, "invalid request: {}", e.message),
        }
    }
}

impl<E: ErrorBody + fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}

/// The first `max` characters of a body, for error messages.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    const MAX: usize = 300;
    let text = String::from_utf8_lossy(bytes);
    let mut cut: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        cut.push('…');
    }
    cut
}
