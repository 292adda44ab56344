//! What can go wrong while reading specs from upstream or a mirror.

use std::io;

/// A failure to fetch or list specs. Every variant names the file or URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    #[error("unknown {kind} version {version:?}; the lock pins: {}", known.join(", "))]
    UnknownVersion {
        kind: crate::lock::Kind,
        version: String,
        known: Vec<String>,
    },

    #[error("{url}: not found (HTTP 404); check the version and the ref")]
    NotFound { url: String },

    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },

    /// The host could not be resolved or connected to: no network, or a
    /// mirror that is down. Said once, without the URL repeated.
    #[error("{}", unreachable_message(host, reason, *upstream))]
    Unreachable {
        host: String,
        /// The innermost cause (`dns error: …`, `Connection refused`).
        reason: String,
        /// Whether the host is upstream's (then a mirror is the way out).
        upstream: bool,
        /// The name did not resolve: trying again at once will not help.
        dns: bool,
    },

    /// A request failed after connecting (a timeout, a broken response).
    #[error("{url}: {reason}")]
    Transport {
        url: String,
        /// The innermost cause: reqwest's own message repeats the URL.
        reason: String,
    },

    #[error("{url}: the download broke off after {received} of {} bytes", expected.map_or("an unknown number of".to_string(), |n| n.to_string()))]
    Truncated {
        url: String,
        received: u64,
        expected: Option<u64>,
        #[source]
        source: Option<io::Error>,
    },

    #[error("{location}: {what}")]
    Io {
        location: String,
        what: &'static str,
        #[source]
        source: io::Error,
    },

    #[error("{location}: {message}")]
    Invalid { location: String, message: String },

    #[error(
        "sha256 mismatch for {file} read from {location}: the lock expects {expected} \
         ({expected_size} bytes), the file has {actual} ({actual_size} bytes); nothing was \
         written (use --ref REF --update-lock to move the pin on purpose)"
    )]
    Mismatch {
        file: String,
        location: String,
        expected: String,
        expected_size: u64,
        actual: String,
        actual_size: u64,
    },

    /// `last` is not the `source`: the message already includes it, and a
    /// chain would print it twice.
    #[error("{last} (gave up after {attempts} attempts)")]
    GaveUp {
        attempts: u32,
        last: Box<FetchError>,
    },
}

impl FetchError {
    /// Whether trying again may succeed: network failures, cut-off bodies,
    /// rate limits and server errors, but not a missing file or a bad hash.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Transport { .. } | FetchError::Truncated { .. } => true,
            FetchError::Unreachable { dns, .. } => !dns,
            FetchError::Status { status, .. } => *status >= 500 || matches!(status, 408 | 429),
            _ => false,
        }
    }

    /// The error of the last attempt, looking through [`FetchError::GaveUp`].
    pub fn last(&self) -> &FetchError {
        match self {
            FetchError::GaveUp { last, .. } => last,
            other => other,
        }
    }

    /// How many attempts were made before this error was returned.
    pub fn attempts(&self) -> u32 {
        match self {
            FetchError::GaveUp { attempts, .. } => *attempts,
            _ => 1,
        }
    }
}

fn unreachable_message(host: &str, reason: &str, upstream: bool) -> String {
    if upstream {
        format!(
            "cannot reach {host} ({reason}). Without network access, read the specs from a \
             mirror with upstream's layout (<ref>/<kind>/<version>.yml): \
             --mirror DIR_OR_URL, or CLERK_SPECS_MIRROR=DIR_OR_URL for every command and test"
        )
    } else {
        format!("cannot reach the mirror at {host} ({reason}): is it running?")
    }
}

/// The innermost cause of an error, which says what actually happened
/// (`Connection refused`, `failed to lookup address information`), where
/// the outer layers repeat the URL.
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    causes(error)
        .last()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// An error and its sources, outermost first.
pub(crate) fn causes<'e>(
    error: &'e (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'e (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |e| e.source())
}
