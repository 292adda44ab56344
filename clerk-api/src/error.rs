//! The one error type of every operation.

use std::fmt;
use std::time::Duration;

/// Why an operation failed. `E` is the type the operation's declared error
/// responses decode into (for Clerk, usually the version's `ClerkErrors`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// Clerk answered with an error status.
    Api(ApiError<E>),
    /// A success response whose body does not match the operation's type.
    Decode(DecodeError),
    /// The request could not be sent or the response not read (connection,
    /// TLS, timeout). The source says which.
    Transport(reqwest::Error),
    /// The request could not be built from the given values.
    Request(RequestError),
}

/// An error status from Clerk, with its decoded body.
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    pub status: u16,
    /// The body decoded into the declared error type; `None` when the body
    /// is empty or does not match it (then `body_excerpt` shows it).
    pub body: Option<E>,
    /// The start of the raw body, for errors that are not Clerk's JSON.
    pub body_excerpt: String,
    /// `clerk_trace_id` from the body, else the `cf-ray` header.
    pub trace_id: Option<String>,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<Duration>,
    /// The operationId of the request.
    pub operation: &'static str,
}

/// A response body that does not decode into the operation's type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub status: u16,
    /// Where decoding stopped, e.g. `data[3].email_addresses[0].verification`.
    pub path: String,
    pub message: String,
    /// The start of the body.
    pub body_excerpt: String,
    pub operation: &'static str,
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
            Error::Request(_) => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// Whether sending the same request later may succeed: a 429, a 5XX,
    /// or a connection failure or timeout. (The client has already retried
    /// as its [`RetryPolicy`](crate::RetryPolicy) allows.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.status == 429 || e.status >= 500,
            Error::Transport(e) => e.is_connect() || e.is_timeout(),
            Error::Decode(_) | Error::Request(_) => false,
        }
    }

    /// The API error, if Clerk answered with an error status.
    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl<E> From<RequestError> for Error<E> {
    fn from(e: RequestError) -> Self {
        Error::Request(e)
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => {
                write!(f, "{}: HTTP {}", e.operation, e.status)?;
                match &e.body {
                    Some(body) => write!(f, ": {body:?}")?,
                    None if !e.body_excerpt.is_empty() => write!(f, ": {}", e.body_excerpt)?,
                    None => {}
                }
                if let Some(trace) = &e.trace_id {
                    write!(f, " (trace id {trace})")?;
                }
                Ok(())
            }
            Error::Decode(e) => write!(
                f,
                "{}: the HTTP {} response does not match its type at `{}`: {} (body starts: {})",
                e.operation, e.status, e.path, e.message, e.body_excerpt
            ),
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::Request(e) => write!(f, "invalid request: {}", e.message),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
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
