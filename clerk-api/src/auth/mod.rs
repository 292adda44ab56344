//! Verifying who calls your backend: Clerk session tokens (both formats)
//! and machine tokens (API keys, M2M tokens, OAuth access tokens), with no
//! network call per request for JWTs (feature `auth`; the `axum` feature
//! adds a tower layer and extractors).
//!
//! ```no_run
//! # async fn demo(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_api::auth::Verifier;
//!
//! // The instance's PEM public key (Dashboard → API keys → "Show JWT
//! // public key"): no network call, ever.
//! let verifier = Verifier::builder()
//!     .jwt_key(std::env::var("CLERK_JWT_KEY")?)
//!     .authorized_parties(["https://app.example.com"])
//!     .build()?;
//! let session = verifier.verify_session(token).await?;
//! println!("{} in {:?}", session.user_id, session.organization);
//! # Ok(()) }
//! ```
//!
//! With a version module's client instead of a PEM key, the keys come from
//! that version's `GET /jwks` operation, cached (see [`VerifierBuilder`]
//! for the cache's bounds), and opaque machine tokens are verified through
//! its verify operations.
//!
//! | check | default |
//! | --- | --- |
//! | algorithm | RS256, RS384 or RS512 only; never `none`, never HMAC; a JWK's `alg` must match |
//! | signature | with the instance's key for the token's `kid` (or the PEM key) |
//! | `exp` | required; expired when `exp <= now - skew` |
//! | `nbf` | if present, not before `nbf - skew` |
//! | `iat` | if present, not after `now + skew`, and not after `exp` |
//! | clock skew | 5 s |
//! | `azp` | when authorized parties are set, required and one of them |
//! | `iss` | when an issuer is set, equal to it |
//! | `sts` | `pending` is refused unless allowed; unknown statuses are refused |
//! | `cat` header | a session token must not carry another class's category (M2M, JWT template) |
//! | `v` | format 1 or 2; another is refused |
//! | token kinds | sessions only, unless [`Accept`] says more |
//!
//! Checks after the signature run only once the signature is valid, so an
//! unsigned token learns nothing about the configuration.

mod backend;
mod error;
mod keys;
mod machine;
mod provider;
mod session;
mod token;

#[cfg(feature = "axum")]
mod axum;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use jsonwebtoken::{Algorithm, Validation};
use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

pub use backend::Backend;
#[doc(hidden)]
pub use backend::{Endpoint, Operations};
pub use error::{AuthError, VerifierConfigError};
pub use machine::{ApiKey, MachineToken, OAuthToken};
pub use session::{ActiveOrganization, Actor, Requirement, Scoped, Session, SessionStatus};
pub use token::{MAX_TOKEN_LEN, SESSION_COOKIE, TokenSource, token_from_headers};

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use self::axum::{AuthRejection, ClerkLayer, ClerkService};

use crate::clock::{Clock, unix_seconds};
use error::shown;
use keys::{CachePolicy, JwksCache, Key, KeySource};
use session::Claims;

/// The kinds of token Clerk issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A session token (a JWT minted by Clerk's frontend SDKs).
    Session,
    /// An API key (`ak_…`).
    ApiKey,
    /// A machine-to-machine token (`mt_…`, or a JWT whose subject is `mch_…`).
    M2m,
    /// An OAuth access token (`oat_…`, or a JWT of type `at+jwt`).
    OAuth,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::ApiKey => "API key",
            TokenKind::M2m => "M2M",
            TokenKind::OAuth => "OAuth access",
        }
    }
}

/// Which kinds of token a verifier accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accept {
    session: bool,
    api_key: bool,
    m2m: bool,
    oauth: bool,
}

impl Accept {
    /// Session tokens only (the default).
    pub const SESSION: Accept = Accept::only(&[TokenKind::Session]);
    /// Machine tokens only: API keys, M2M and OAuth access tokens.
    pub const MACHINE: Accept =
        Accept::only(&[TokenKind::ApiKey, TokenKind::M2m, TokenKind::OAuth]);
    /// Every kind.
    pub const ANY: Accept = Accept::only(&[
        TokenKind::Session,
        TokenKind::ApiKey,
        TokenKind::M2m,
        TokenKind::OAuth,
    ]);

    /// These kinds only.
    pub const fn only(kinds: &[TokenKind]) -> Accept {
        let mut accept = Accept {
            session: false,
            api_key: false,
            m2m: false,
            oauth: false,
        };
        let mut i = 0;
        while i < kinds.len() {
            match kinds[i] {
                TokenKind::Session => accept.session = true,
                TokenKind::ApiKey => accept.api_key = true,
                TokenKind::M2m => accept.m2m = true,
                TokenKind::OAuth => accept.oauth = true,
            }
            i += 1;
        }
        accept
    }

    pub fn accepts(self, kind: TokenKind) -> bool {
        match kind {
            TokenKind::Session => self.session,
            TokenKind::ApiKey => self.api_key,
            TokenKind::M2m => self.m2m,
            TokenKind::OAuth => self.oauth,
        }
    }
}

/// Who is calling: the one result of [`Verifier::authenticate`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
// Matched directly by callers; boxing the session would cost an allocation
// per request to save moving a few hundred bytes.
#[allow(clippy::large_enum_variant)]
pub enum Identity {
    Session(Session),
    ApiKey(ApiKey),
    M2m(MachineToken),
    OAuth(OAuthToken),
}

impl Identity {
    pub fn kind(&self) -> TokenKind {
        match self {
            Identity::Session(_) => TokenKind::Session,
            Identity::ApiKey(_) => TokenKind::ApiKey,
            Identity::M2m(_) => TokenKind::M2m,
            Identity::OAuth(_) => TokenKind::OAuth,
        }
    }

    /// The user, machine or organization the token speaks for.
    pub fn subject(&self) -> &str {
        match self {
            Identity::Session(s) => &s.user_id,
            Identity::ApiKey(k) => &k.subject,
            Identity::M2m(t) => &t.subject,
            Identity::OAuth(t) => &t.subject,
        }
    }

    pub fn session(&self) -> Option<&Session> {
        match self {
            Identity::Session(s) => Some(s),
            _ => None,
        }
    }
}

/// Verifies tokens of one Clerk instance. Cheap to clone: clones share one
/// key cache.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    keys: KeySource,
    backend: Option<Backend>,
    authorized_parties: Vec<String>,
    issuer: Option<String>,
    skew: i64,
    accept: Accept,
    allow_pending: bool,
    clock: Clock,
    /// What `jsonwebtoken` checks, per allowed algorithm: the signature only.
    validations: [Validation; 3],
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Verifier")
            .field(
                "keys",
                &match inner.keys {
                    KeySource::Pem(_) => "PEM public key",
                    KeySource::Jwks(_) => "JWKS through the Backend API",
                },
            )
            .field("backend", &inner.backend)
            .field("authorized_parties", &inner.authorized_parties)
            .field("issuer", &inner.issuer)
            .field("clock_skew_seconds", &inner.skew)
            .field("accept", &inner.accept)
            .field("allow_pending_sessions", &inner.allow_pending)
            .finish()
    }
}

/// Builds a [`Verifier`].
pub struct VerifierBuilder {
    pem: Option<String>,
    backend: Option<Backend>,
    authorized_parties: Vec<String>,
    issuer: Option<String>,
    skew: Duration,
    accept: Accept,
    allow_pending: bool,
    cache: CachePolicy,
    clock: Clock,
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("pem", &self.pem.is_some())
            .field("backend", &self.backend)
            .field("authorized_parties", &self.authorized_parties)
            .finish_non_exhaustive()
    }
}

impl Default for VerifierBuilder {
    fn default() -> Self {
        VerifierBuilder {
            pem: None,
            backend: None,
            authorized_parties: Vec::new(),
            issuer: None,
            skew: Duration::from_secs(5),
            accept: Accept::SESSION,
            allow_pending: false,
            cache: CachePolicy {
                ttl: Duration::from_secs(300),
                min_refetch_interval: Duration::from_secs(10),
                fetch_timeout: Duration::from_secs(10),
            },
            clock: crate::clock::system(),
        }
    }
}

impl VerifierBuilder {
    /// The instance's PEM public key: JWTs are verified with it and nothing
    /// is fetched. Line breaks may be written `\n`.
    pub fn jwt_key(mut self, pem: impl Into<String>) -> Self {
        self.pem = Some(pem.into());
        self
    }

    /// A version module's client (`&clerk::Client`): the keys come from its
    /// `GET /jwks` (unless a PEM key is given), and opaque machine tokens
    /// are verified through its verify operations, with its secret key.
    pub fn backend(mut self, backend: impl Into<Backend>) -> Self {
        self.backend = Some(backend.into());
        self
    }

    /// The origins session tokens may be minted for (`azp`), e.g.
    /// `https://app.example.com`. When set, a token without `azp` is
    /// refused. Set them: without, a token minted for another site of the
    /// same instance is accepted.
    pub fn authorized_parties<I, S>(mut self, parties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.authorized_parties = parties.into_iter().map(Into::into).collect();
        self
    }

    /// The expected `iss` of session tokens: the instance's Frontend API
    /// URL, e.g. `https://clerk.example.com`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// How far the server's clock may be from Clerk's (default 5 s), for
    /// `exp`, `nbf` and `iat`; whole seconds count.
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.skew = skew;
        self
    }

    /// Which kinds of token are accepted (default [`Accept::SESSION`]).
    pub fn accept(mut self, accept: Accept) -> Self {
        self.accept = accept;
        self
    }

    /// Accept pending sessions (`sts: pending`, a task not done yet), which
    /// count as signed out by default, as in Clerk's SDKs.
    pub fn allow_pending_sessions(mut self, allow: bool) -> Self {
        self.allow_pending = allow;
        self
    }

    /// How long fetched keys are used before they are fetched again
    /// (default 5 minutes; the last good keys keep working if that fetch
    /// fails).
    pub fn jwks_ttl(mut self, ttl: Duration) -> Self {
        self.cache.ttl = ttl;
        self
    }

    /// The shortest time between two fetches of the keys (default 10 s):
    /// a token with an unknown `kid` causes at most one fetch per interval.
    pub fn jwks_min_refetch_interval(mut self, interval: Duration) -> Self {
        self.cache.min_refetch_interval = interval;
        self
    }

    /// How long a fetch of the keys may take (default 10 s).
    pub fn jwks_fetch_timeout(mut self, timeout: Duration) -> Self {
        self.cache.fetch_timeout = timeout;
        self
    }

    /// Where the time comes from (default the system clock): for tests.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    pub fn build(self) -> Result<Verifier, VerifierConfigError> {
        provider::install();
        let keys = match (&self.pem, &self.backend) {
            (Some(pem), _) => KeySource::Pem(
                keys::pem_key(pem).map_err(|reason| VerifierConfigError::InvalidPem { reason })?,
            ),
            (None, Some(backend)) => {
                KeySource::Jwks(Box::new(JwksCache::new(backend.clone(), self.cache)))
            }
            (None, None) => return Err(VerifierConfigError::NoKeySource),
        };
        for kind in [TokenKind::ApiKey, TokenKind::M2m, TokenKind::OAuth] {
            // M2M and OAuth JWTs verify locally; their opaque forms, and API
            // keys, need the Backend API.
            if !self.accept.accepts(kind) {
                continue;
            }
            match &self.backend {
                None => return Err(VerifierConfigError::MachineTokensNeedBackend { kind }),
                Some(backend) if !backend.can_verify(kind) => {
                    return Err(VerifierConfigError::BackendCannotVerify {
                        kind,
                        version: backend.version(),
                    });
                }
                Some(_) => {}
            }
        }
        if self.authorized_parties.iter().any(|p| p.trim().is_empty()) {
            return Err(VerifierConfigError::EmptyAuthorizedParty);
        }
        Ok(Verifier {
            inner: Arc::new(Inner {
                keys,
                backend: self.backend,
                authorized_parties: self.authorized_parties,
                issuer: self.issuer,
                skew: i64::try_from(self.skew.as_secs()).unwrap_or(i64::MAX),
                accept: self.accept,
                allow_pending: self.allow_pending,
                clock: self.clock,
                validations: provider::ALGORITHMS.map(signature_only),
            }),
        })
    }
}

/// A JWT whose signature and times are verified.
struct Verified {
    header: jsonwebtoken::Header,
    claims: Map<String, Value>,
}

impl Verifier {
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder::default()
    }

    /// The kinds of token this verifier accepts.
    pub fn accepts(&self) -> Accept {
        self.inner.accept
    }

    /// Verifies a session token, whatever kinds the verifier accepts
    /// otherwise.
    pub async fn verify_session(&self, token: &str) -> Result<Session, AuthError> {
        let verified = self.verify_jwt(token).await?;
        self.session(verified)
    }

    /// Verifies a token of any accepted kind: opaque machine tokens through
    /// the Backend API, JWTs locally.
    pub async fn authenticate(&self, token: &str) -> Result<Identity, AuthError> {
        if let Some(kind) = machine::opaque_kind(token) {
            return self.verify_opaque(kind, token).await;
        }
        let verified = self.verify_jwt(token).await?;
        let subject = Claims(&verified.claims).required_string("sub")?;
        let category = verified.header.extras.get("cat").map(String::as_str);
        if subject.starts_with(machine::MACHINE_SUBJECT_PREFIX) {
            self.accepted(TokenKind::M2m)?;
            if category.is_some_and(|c| c != machine::CATEGORY_M2M) {
                return Err(AuthError::InvalidClaim {
                    claim: "cat",
                    reason: "an M2M token of another token class".into(),
                });
            }
            return machine::m2m_from_jwt(verified.claims).map(Identity::M2m);
        }
        if verified
            .header
            .typ
            .as_deref()
            .is_some_and(|typ| machine::OAUTH_JWT_TYPES.contains(&typ))
        {
            self.accepted(TokenKind::OAuth)?;
            return machine::oauth_from_jwt(verified.claims).map(Identity::OAuth);
        }
        self.accepted(TokenKind::Session)?;
        self.session(verified).map(Identity::Session)
    }

    /// Finds the token of a request ([`token_from_headers`]) and
    /// authenticates it.
    pub async fn authenticate_headers(&self, headers: &HeaderMap) -> Result<Identity, AuthError> {
        match token_from_headers(headers)? {
            Some((token, _)) => self.authenticate(token).await,
            None => Err(AuthError::MissingToken),
        }
    }

    fn accepted(&self, kind: TokenKind) -> Result<(), AuthError> {
        if self.inner.accept.accepts(kind) {
            Ok(())
        } else {
            Err(AuthError::KindNotAccepted { kind })
        }
    }

    async fn verify_opaque(&self, kind: TokenKind, token: &str) -> Result<Identity, AuthError> {
        self.accepted(kind)?;
        if token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::malformed(format!(
                "the token is longer than {MAX_TOKEN_LEN} bytes"
            )));
        }
        let backend = self
            .inner
            .backend
            .as_ref()
            .ok_or_else(|| AuthError::BackendUnavailable {
                kind,
                reason: "no Backend API client".into(),
            })?;
        let answer: Value = backend.verify(kind, token).await?;
        match kind {
            TokenKind::ApiKey => machine::api_key(answer).map(Identity::ApiKey),
            TokenKind::M2m => machine::m2m_token(answer).map(Identity::M2m),
            TokenKind::OAuth => machine::oauth_token(answer).map(Identity::OAuth),
            TokenKind::Session => Err(AuthError::malformed("a session token is never opaque")),
        }
    }

    /// Checks the header, finds the key, verifies the signature, then the
    /// times; only then is anything else read from the claims.
    async fn verify_jwt(&self, token: &str) -> Result<Verified, AuthError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::malformed(format!(
                "the token is longer than {MAX_TOKEN_LEN} bytes"
            )));
        }
        let header = header(token)?;
        if !provider::ALGORITHMS.contains(&header.alg) {
            return Err(AuthError::UnsupportedAlgorithm {
                algorithm: format!("{:?}", header.alg),
            });
        }
        if header.crit.is_some() {
            return Err(AuthError::malformed(
                "critical header extensions are not supported",
            ));
        }
        let key: Key = self.inner.keys.key(header.kid.as_deref()).await?;
        if key.algorithm.is_some_and(|pinned| pinned != header.alg) {
            return Err(AuthError::UnsupportedAlgorithm {
                algorithm: format!("{:?} (the key is for {:?})", header.alg, key.algorithm),
            });
        }
        let validation = provider::ALGORITHMS
            .iter()
            .position(|a| *a == header.alg)
            .map(|i| &self.inner.validations[i])
            .ok_or_else(|| AuthError::UnsupportedAlgorithm {
                algorithm: format!("{:?}", header.alg),
            })?;
        let claims = signed_claims(token, &key, validation)?;
        self.check_times(&claims)?;
        Ok(Verified { header, claims })
    }

    fn check_times(&self, claims: &Map<String, Value>) -> Result<(), AuthError> {
        let read = Claims(claims);
        let now = unix_seconds((self.inner.clock)());
        let skew = self.inner.skew;
        let expires = read.seconds("exp")?.ok_or(AuthError::InvalidClaim {
            claim: "exp",
            reason: "missing".into(),
        })?;
        if expires <= now.saturating_sub(skew) {
            return Err(AuthError::Expired {
                expired_at: expires,
                now,
            });
        }
        if let Some(not_before) = read.seconds("nbf")?
            && not_before > now.saturating_add(skew)
        {
            return Err(AuthError::NotYetValid { not_before, now });
        }
        if let Some(issued_at) = read.seconds("iat")?
            && (issued_at > now.saturating_add(skew) || issued_at > expires)
        {
            return Err(AuthError::IssuedInTheFuture { issued_at, now });
        }
        Ok(())
    }

    /// The session checks, after the signature and times.
    fn session(&self, verified: Verified) -> Result<Session, AuthError> {
        let Verified { header, claims } = verified;
        if let Some(category) = header.extras.get("cat")
            && category != machine::CATEGORY_SESSION
            && category != machine::CATEGORY_IGNORE
        {
            return Err(AuthError::InvalidClaim {
                claim: "cat",
                reason: "a token of another class than session tokens".into(),
            });
        }
        if header.typ.as_deref().is_some_and(|typ| typ != "JWT") {
            return Err(AuthError::malformed("the header's `typ` is not JWT"));
        }
        let read = Claims(&claims);
        if !self.inner.authorized_parties.is_empty() {
            let azp = read.string("azp")?;
            if !azp.is_some_and(|azp| self.inner.authorized_parties.iter().any(|p| p == azp)) {
                return Err(AuthError::UnauthorizedParty {
                    azp: azp.map(shown),
                });
            }
        }
        if let Some(expected) = &self.inner.issuer {
            let issuer = read.string("iss")?;
            if issuer != Some(expected.as_str()) {
                return Err(AuthError::WrongIssuer {
                    issuer: issuer.map(shown),
                });
            }
        }
        let session = session::from_claims(claims)?;
        if session.status == SessionStatus::Pending && !self.inner.allow_pending {
            return Err(AuthError::PendingSession);
        }
        Ok(session)
    }
}

/// The header of `token`. Tokens signed with one key share their header
/// segment byte for byte, and `jsonwebtoken` parses the header slowly (it
/// collects unknown fields through `serde(flatten)`), so each thread keeps
/// the last header it parsed: parsing is a pure function of the segment.
fn header(token: &str) -> Result<jsonwebtoken::Header, AuthError> {
    use std::cell::RefCell;
    thread_local! {
        static LAST: RefCell<Option<(String, jsonwebtoken::Header)>> = const { RefCell::new(None) };
    }
    let segment = token.split('.').next().unwrap_or_default();
    let cached = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(seen, _)| seen == segment)
            .map(|(_, header)| header.clone())
    });
    if let Some(header) = cached {
        return Ok(header);
    }
    let header = jsonwebtoken::decode_header(token).map_err(|e| {
        AuthError::malformed(format!(
            "not a JWT with a known algorithm: {}",
            shown(&e.to_string())
        ))
    })?;
    LAST.with_borrow_mut(|last| *last = Some((segment.to_string(), header.clone())));
    Ok(header)
}

/// What `jsonwebtoken` is asked to check: the algorithm and the signature.
/// The times are checked by `check_times`, with `i64` seconds and errors
/// that say which check failed.
fn signature_only(algorithm: Algorithm) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    validation
}

/// The claims of `token` once its signature verifies with `key`: the one
/// call into the JWT library, which does the decoding and the signature.
fn signed_claims(
    token: &str,
    key: &Key,
    validation: &Validation,
) -> Result<Map<String, Value>, AuthError> {
    jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, validation)
        .map(|data| data.claims)
        .map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::InvalidSignature => AuthError::InvalidSignature,
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    AuthError::UnsupportedAlgorithm {
                        algorithm: format!("{:?}", validation.algorithms),
                    }
                }
                _ => AuthError::malformed(format!(
                    "the payload is not a JSON object of claims: {}",
                    shown(&e.to_string())
                )),
            }
        })
}
