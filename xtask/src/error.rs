//! What can go wrong while reading specs from upstream or a mirror.

use std::io;

/// A failure to fetch or list specs. Every variant names the file or URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    #[error("unknown spec version {version:?}; the lock pins: {}", known.join(", "))]
    UnknownVersion { version: String, known: Vec<String> },

    #[error("{url}: not found (HTTP 404); check the version and the ref")]
    NotFound { url: String },

    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },

    #[error("{url}: request failed")]
    Transport {
        url: String,
        #[source]
        source: reqwest::Error,
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

    #[error("{last} (gave up after {attempts} attempts)")]
    GaveUp {
        attempts: u32,
        #[source]
        last: Box<FetchError>,
    },
}

impl FetchError {
    /// Whether trying again may succeed: network failures, cut-off bodies,
    /// rate limits and server errors, but not a missing file or a bad hash.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Transport { .. } | FetchError::Truncated { .. } => true,
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
