//! Why a token was not accepted, or a verifier not built.

use std::fmt;

use super::TokenKind;

/// Why a request's token was not accepted: one variant per check, so that
/// logs and metrics can tell an expired session from a forged one. No
/// variant holds the token, and the values shown (a `kid`, an `azp`) are
/// cut to 64 printable characters, since they come from the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// No `Authorization: Bearer` header and no `__session` cookie.
    MissingToken,
    /// Not a token at all: not three base64url parts, a header or payload
    /// that is not JSON, too long, several `Authorization` headers.
    Malformed { reason: String },
    /// The header names an algorithm outside the allow-list (RS256, RS384,
    /// RS512): `none`, HMAC, or anything else.
    UnsupportedAlgorithm { algorithm: String },
    /// No key of the instance has this `kid`, even after fetching the keys
    /// again (at most once per refetch interval).
    UnknownKey { kid: String },
    /// The signature does not verify with the instance's key.
    InvalidSignature,
    /// `exp` is past (with the clock skew allowed).
    Expired { expired_at: i64, now: i64 },
    /// `nbf` is still ahead (with the clock skew allowed).
    NotYetValid { not_before: i64, now: i64 },
    /// `iat` is ahead of now (with the clock skew allowed), or after `exp`.
    IssuedInTheFuture { issued_at: i64, now: i64 },
    /// `azp` is missing or not one of the authorized parties.
    UnauthorizedParty { azp: Option<String> },
    /// `iss` is not the expected issuer.
    WrongIssuer { issuer: Option<String> },
    /// A claim the token kind needs is missing or has the wrong type.
    InvalidClaim { claim: &'static str, reason: String },
    /// The session is pending (`sts: pending`: a task such as choosing an
    /// organization is not done), which counts as signed out unless the
    /// verifier allows pending sessions.
    PendingSession,
    /// A valid token of a kind this verifier does not accept.
    KindNotAccepted { kind: TokenKind },
    /// The Backend API says the machine token is not valid (unknown,
    /// revoked or expired), with its status and Clerk's error code.
    MachineTokenRejected {
        kind: TokenKind,
        status: Option<u16>,
        code: Option<String>,
    },
    /// The instance's keys could not be fetched, and no key fetched earlier
    /// applies.
    KeysUnavailable { reason: String },
    /// The Backend API could not be asked about a machine token (network,
    /// 5XX, or this API version has no such verification).
    BackendUnavailable { kind: TokenKind, reason: String },
}

impl AuthError {
    /// The HTTP status a server should answer with: 503 when the
    /// verification could not be done (keys or the Backend API out of
    /// reach), 401 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            AuthError::KeysUnavailable { .. } | AuthError::BackendUnavailable { .. } => 503,
            _ => 401,
        }
    }

    /// A short, stable name of the check that failed (`token_expired`,
    /// `invalid_signature`…), for logs, metrics and response bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingToken => "missing_token",
            AuthError::Malformed { .. } => "malformed_token",
            AuthError::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            AuthError::UnknownKey { .. } => "unknown_key",
            AuthError::InvalidSignature => "invalid_signature",
            AuthError::Expired { .. } => "token_expired",
            AuthError::NotYetValid { .. } => "token_not_yet_valid",
            AuthError::IssuedInTheFuture { .. } => "token_issued_in_the_future",
            AuthError::UnauthorizedParty { .. } => "unauthorized_party",
            AuthError::WrongIssuer { .. } => "wrong_issuer",
            AuthError::InvalidClaim { .. } => "invalid_claim",
            AuthError::PendingSession => "session_pending",
            AuthError::KindNotAccepted { .. } => "token_kind_not_accepted",
            AuthError::MachineTokenRejected { .. } => "machine_token_rejected",
            AuthError::KeysUnavailable { .. } => "keys_unavailable",
            AuthError::BackendUnavailable { .. } => "backend_unavailable",
        }
    }

    pub(crate) fn malformed(reason: impl Into<String>) -> Self {
        AuthError::Malformed {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::MissingToken => f.write_str(
                "no token: expected an `Authorization: Bearer` header or a `__session` cookie",
            ),
            AuthError::Malformed { reason } => write!(f, "malformed token: {reason}"),
            AuthError::UnsupportedAlgorithm { algorithm } => write!(
                f,
                "token signed with {algorithm}: only RS256, RS384 and RS512 are accepted"
            ),
            AuthError::UnknownKey { kid } => {
                write!(f, "no key of the instance has kid {kid:?}")
            }
            AuthError::InvalidSignature => f.write_str("the token's signature is invalid"),
            AuthError::Expired { expired_at, now } => {
                write!(f, "the token expired at {expired_at} (now {now})")
            }
            AuthError::NotYetValid { not_before, now } => {
                write!(f, "the token is not valid before {not_before} (now {now})")
            }
            AuthError::IssuedInTheFuture { issued_at, now } => write!(
                f,
                "the token claims to be issued at {issued_at}, after now ({now}) or after it expires"
            ),
            AuthError::UnauthorizedParty { azp: Some(azp) } => {
                write!(
                    f,
                    "the token's authorized party {azp:?} is not an authorized party"
                )
            }
            AuthError::UnauthorizedParty { azp: None } => f.write_str(
                "the token has no authorized party (azp), and authorized parties are required",
            ),
            AuthError::WrongIssuer {
                issuer: Some(issuer),
            } => {
                write!(f, "the token's issuer {issuer:?} is not the expected one")
            }
            AuthError::WrongIssuer { issuer: None } => {
                f.write_str("the token has no issuer (iss), and one is expected")
            }
            AuthError::InvalidClaim { claim, reason } => {
                write!(f, "claim `{claim}`: {reason}")
            }
            AuthError::PendingSession => {
                f.write_str("the session is pending (sts: pending), which counts as signed out")
            }
            AuthError::KindNotAccepted { kind } => {
                write!(f, "{} tokens are not accepted here", kind.as_str())
            }
            AuthError::MachineTokenRejected { kind, status, code } => {
                write!(f, "the Backend API rejected the {}", kind.as_str())?;
                if let Some(status) = status {
                    write!(f, " (HTTP {status}")?;
                    if let Some(code) = code {
                        write!(f, " {code}")?;
                    }
                    f.write_str(")")?;
                }
                Ok(())
            }
            AuthError::KeysUnavailable { reason } => {
                write!(f, "the instance's keys are unavailable: {reason}")
            }
            AuthError::BackendUnavailable { kind, reason } => write!(
                f,
                "cannot verify the {} with the Backend API: {reason}",
                kind.as_str()
            ),
        }
    }
}

impl std::error::Error for AuthError {}

/// Why a [`Verifier`](super::Verifier) could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifierConfigError {
    /// Neither a PEM key nor a Backend API client was given.
    NoKeySource,
    /// The PEM public key does not parse as an RSA public key.
    InvalidPem { reason: String },
    /// Opaque machine tokens are accepted, but there is no Backend API
    /// client to verify them with.
    MachineTokensNeedBackend { kind: TokenKind },
    /// Tokens of this kind are accepted, but the API version of the client
    /// has no operation to verify them.
    BackendCannotVerify {
        kind: TokenKind,
        version: &'static str,
    },
    /// An authorized party is empty.
    EmptyAuthorizedParty,
}

impl fmt::Display for VerifierConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifierConfigError::NoKeySource => f.write_str(
                "no key source: give the instance's PEM public key (jwt_key) or a Backend API client (backend)",
            ),
            VerifierConfigError::InvalidPem { reason } => {
                write!(f, "the PEM public key is not an RSA public key: {reason}")
            }
            VerifierConfigError::MachineTokensNeedBackend { kind } => write!(
                f,
                "{} tokens are accepted but can only be verified through the Backend API: give a client (backend)",
                kind.as_str()
            ),
            VerifierConfigError::BackendCannotVerify { kind, version } => write!(
                f,
                "{} tokens are accepted, but API version {version} has no operation to verify them: use a newer version's client",
                kind.as_str()
            ),
            VerifierConfigError::EmptyAuthorizedParty => {
                f.write_str("an authorized party is empty")
            }
        }
    }
}

impl std::error::Error for VerifierConfigError {}

/// A caller-supplied value, safe to show: printable ASCII, at most 64
/// characters.
pub(crate) fn shown(value: &str) -> String {
    let mut out: String = value
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    if value.chars().count() > 64 {
        out.push('…');
    }
    out
}
