//! Verifying a delivery the Svix / Standard Webhooks way: an HMAC-SHA256,
//! keyed with the endpoint's secret, over `id.timestamp.body` (the raw body
//! bytes as received, never re-serialised JSON), compared in constant time
//! by `ring` with each `v1,` signature of the signature header; and a
//! timestamp within a tolerance of now, both ways.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

/// The environment variable [`Verifier::from_env`] reads the secret from.
pub const SECRET_ENV: &str = "CLERK_WEBHOOK_SIGNING_SECRET";
/// How far a delivery's timestamp may be from now, either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);
/// The largest body [`Verifier::verify`] accepts (1 MiB).
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// The headers of a delivery, Svix's names first, then Standard Webhooks'.
const ID: [&str; 2] = ["svix-id", "webhook-id"];
const TIMESTAMP: [&str; 2] = ["svix-timestamp", "webhook-timestamp"];
const SIGNATURE: [&str; 2] = ["svix-signature", "webhook-signature"];

/// Why a delivery was refused, one variant per check. None holds the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventError {
    /// `CLERK_WEBHOOK_SIGNING_SECRET` is not set.
    NoSecret,
    /// The secret is not `whsec_` followed by base64.
    MalformedSecret { reason: String },
    /// A header the scheme needs is missing (`svix-id`, `svix-timestamp`,
    /// `svix-signature`, or their `webhook-` names).
    MissingHeader { name: &'static str },
    /// A header appears more than once, so that which one was signed is
    /// ambiguous.
    DuplicateHeader { name: &'static str },
    /// A header that is not visible ASCII.
    MalformedHeader { name: &'static str },
    /// The timestamp header is not whole seconds since the epoch.
    MalformedTimestamp,
    /// The timestamp is older than the tolerance allows (a replay, or a
    /// delivery held too long).
    TooOld { timestamp: i64, now: i64 },
    /// The timestamp is further ahead than the tolerance allows.
    TooNew { timestamp: i64, now: i64 },
    /// No `v1` signature of the header matches the body.
    NoMatchingSignature,
    /// The body is larger than the verifier accepts.
    BodyTooLarge { limit: usize },
    /// The request's body could not be read to its end (the connection
    /// broke, say).
    UnreadableBody { reason: String },
    /// The signature is valid, but the body is not the event type asked
    /// for: `path` names where decoding stopped.
    Decode { path: String, message: String },
}

impl EventError {
    /// The status an endpoint should answer with: 401 for a signature or
    /// timestamp that does not hold, 413 for a body too large, 500 for a
    /// missing or malformed secret (the server's fault), 400 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            EventError::NoSecret | EventError::MalformedSecret { .. } => 500,
            EventError::TooOld { .. }
            | EventError::TooNew { .. }
            | EventError::NoMatchingSignature => 401,
            EventError::BodyTooLarge { .. } => 413,
            _ => 400,
        }
    }

    /// A short, stable name of the check that failed.
    pub fn code(&self) -> &'static str {
        match self {
            EventError::NoSecret => "no_secret",
            EventError::MalformedSecret { .. } => "malformed_secret",
            EventError::MissingHeader { .. } => "missing_header",
            EventError::DuplicateHeader { .. } => "duplicate_header",
            EventError::MalformedHeader { .. } => "malformed_header",
            EventError::MalformedTimestamp => "malformed_timestamp",
            EventError::TooOld { .. } => "timestamp_too_old",
            EventError::TooNew { .. } => "timestamp_too_new",
            EventError::NoMatchingSignature => "no_matching_signature",
            EventError::BodyTooLarge { .. } => "body_too_large",
            EventError::UnreadableBody { .. } => "unreadable_body",
            EventError::Decode { .. } => "undecodable_event",
        }
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::NoSecret => write!(
                f,
                "no webhook signing secret: set {SECRET_ENV} (the endpoint's `whsec_…` secret from Clerk's dashboard)"
            ),
            EventError::MalformedSecret { reason } => {
                write!(
                    f,
                    "the webhook signing secret is not `whsec_` and base64: {reason}"
                )
            }
            EventError::MissingHeader { name } => write!(f, "the `{name}` header is missing"),
            EventError::DuplicateHeader { name } => {
                write!(f, "the `{name}` header appears more than once")
            }
            EventError::MalformedHeader { name } => {
                write!(f, "the `{name}` header is not visible ASCII")
            }
            EventError::MalformedTimestamp => {
                f.write_str("the timestamp header is not whole seconds since the epoch")
            }
            EventError::TooOld { timestamp, now } => write!(
                f,
                "the delivery's timestamp {timestamp} is too old (now {now})"
            ),
            EventError::TooNew { timestamp, now } => write!(
                f,
                "the delivery's timestamp {timestamp} is too far ahead (now {now})"
            ),
            EventError::NoMatchingSignature => {
                f.write_str("no signature of the delivery matches its body")
            }
            EventError::BodyTooLarge { limit } => {
                write!(f, "the body is larger than {limit} bytes")
            }
            EventError::UnreadableBody { reason } => {
                write!(f, "the request's body could not be read: {reason}")
            }
            EventError::Decode { path, message } => {
                write!(
                    f,
                    "the signed body is not the expected event at `{path}`: {message}"
                )
            }
        }
    }
}

impl std::error::Error for EventError {}

/// What a valid signature vouches for: the delivery's id (the same for
/// every retry of one delivery: the key for idempotence) and timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub id: String,
    pub timestamp: i64,
}

/// A verified delivery, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery<E> {
    /// `svix-id`: the same for every retry of one delivery.
    pub id: String,
    /// `svix-timestamp`, in seconds.
    pub timestamp: i64,
    pub event: E,
}

/// Verifies deliveries to one webhook endpoint. Cheap to clone.
#[derive(Clone)]
pub struct Verifier {
    keys: Arc<[ring::hmac::Key]>,
    tolerance: Duration,
    max_body: usize,
    clock: crate::clock::Clock,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &format!("{} (redacted)", self.keys.len()))
            .field("tolerance", &self.tolerance)
            .field("max_body", &self.max_body)
            .finish()
    }
}

/// The HMAC key of a secret as Clerk shows it: `whsec_` and base64 (the
/// prefix may be left out).
fn key(secret: &str) -> Result<ring::hmac::Key, EventError> {
    let encoded = secret.trim();
    let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|e| EventError::MalformedSecret {
            reason: e.to_string(),
        })?;
    if bytes.is_empty() {
        return Err(EventError::MalformedSecret {
            reason: "it is empty".into(),
        });
    }
    Ok(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &bytes))
}

impl Verifier {
    /// A verifier for the endpoint's signing secret (`whsec_…`).
    pub fn new(secret: &str) -> Result<Self, EventError> {
        Self::with_secrets([secret])
    }

    /// A verifier that accepts deliveries signed with any of `secrets`: for
    /// the hours when the endpoint's secret is being rotated.
    pub fn with_secrets<'s>(
        secrets: impl IntoIterator<Item = &'s str>,
    ) -> Result<Self, EventError> {
        let keys: Vec<ring::hmac::Key> = secrets.into_iter().map(key).collect::<Result<_, _>>()?;
        if keys.is_empty() {
            return Err(EventError::NoSecret);
        }
        Ok(Verifier {
            keys: keys.into(),
            tolerance: DEFAULT_TOLERANCE,
            max_body: DEFAULT_MAX_BODY,
            clock: crate::clock::system(),
        })
    }

    /// The secret in `CLERK_WEBHOOK_SIGNING_SECRET`.
    pub fn from_env() -> Result<Self, EventError> {
        match std::env::var(SECRET_ENV) {
            Ok(secret) if !secret.trim().is_empty() => Self::new(&secret),
            _ => Err(EventError::NoSecret),
        }
    }

    /// How far a delivery's timestamp may be from now, either way
    /// (default 5 minutes).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The largest body accepted, in bytes (default 1 MiB).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.max_body
    }

    /// Where the time comes from (default the system clock): for tests.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// Checks a delivery's headers and body: the signature first, then the
    /// timestamp.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Signed, EventError> {
        if body.len() > self.max_body {
            return Err(EventError::BodyTooLarge {
                limit: self.max_body,
            });
        }
        let id = header(headers, ID)?;
        let timestamp_text = header(headers, TIMESTAMP)?;
        let signatures = header(headers, SIGNATURE)?;
        let timestamp: i64 = timestamp_text
            .parse()
            .ok()
            .filter(|t| *t >= 0 && timestamp_text.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(EventError::MalformedTimestamp)?;
        let mut signed = Vec::with_capacity(id.len() + timestamp_text.len() + body.len() + 2);
        signed.extend_from_slice(id.as_bytes());
        signed.push(b'.');
        signed.extend_from_slice(timestamp_text.as_bytes());
        signed.push(b'.');
        signed.extend_from_slice(body);
        let matches = signatures
            .split_whitespace()
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .filter_map(|encoded| STANDARD.decode(encoded).ok())
            .any(|signature| {
                self.keys
                    .iter()
                    .any(|key| ring::hmac::verify(key, &signed, &signature).is_ok())
            });
        if !matches {
            return Err(EventError::NoMatchingSignature);
        }
        let now = crate::clock::unix_seconds((self.clock)());
        let tolerance = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
        if timestamp < now.saturating_sub(tolerance) {
            return Err(EventError::TooOld { timestamp, now });
        }
        if timestamp > now.saturating_add(tolerance) {
            return Err(EventError::TooNew { timestamp, now });
        }
        Ok(Signed {
            id: id.to_string(),
            timestamp,
        })
    }

    /// Verifies a delivery, then decodes its body into `E` (a version's
    /// `Event`, or any type of your own).
    pub fn verify_event<E: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Delivery<E>, EventError> {
        let Signed { id, timestamp } = self.verify(headers, body)?;
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let event = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            EventError::Decode {
                path: e.path().to_string(),
                message: e.into_inner().to_string(),
            }
        })?;
        deserializer.end().map_err(|e| EventError::Decode {
            path: ".".into(),
            message: e.to_string(),
        })?;
        Ok(Delivery {
            id,
            timestamp,
            event,
        })
    }
}

/// The one value of a header, by its Svix name or else its Standard
/// Webhooks name.
fn header<'h>(headers: &'h HeaderMap, names: [&'static str; 2]) -> Result<&'h str, EventError> {
    for name in names {
        let mut values = headers.get_all(name).iter();
        let Some(value) = values.next() else {
            continue;
        };
        if values.next().is_some() {
            return Err(EventError::DuplicateHeader { name });
        }
        return value
            .to_str()
            .map(str::trim)
            .map_err(|_| EventError::MalformedHeader { name });
    }
    Err(EventError::MissingHeader { name: names[0] })
}
