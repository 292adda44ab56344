//! The configuration every version's client shares (key, base URL, HTTP
//! pool, retries, the observe hook), and the one path every request takes.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::call::Options;
use crate::error::RequestError;
use crate::observe::{Exchange, Observer};
use crate::request::{Body, Request};
use crate::retry::{RetryPolicy, Retryable, parse_retry_after};

/// Clerk's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.clerk.com/v1";

const KEY_ENV: &str = "CLERK_SECRET_KEY";
const BASE_URL_ENV: &str = "CLERK_API_URL";

/// A secret key that never shows itself: `Debug` prints only its
/// environment prefix (`sk_test_…` / `sk_live_…`).
#[derive(Clone)]
struct SecretKey(Arc<str>);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = ["sk_test_", "sk_live_"]
            .into_iter()
            .find(|p| self.0.starts_with(p))
            .unwrap_or("sk_");
        write!(f, "\"{prefix}…\" (redacted)")
    }
}

/// Why a client could not be built.
#[non_exhaustive]
pub enum ConfigError {
    /// No key was given and `CLERK_SECRET_KEY` is not set.
    MissingKey,
    /// The key is empty.
    EmptyKey,
    /// The key does not look like a secret key.
    NotASecretKey { found_prefix: String },
    /// The User-Agent is not a valid header value.
    InvalidUserAgent,
    /// The HTTP client could not be built.
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingKey => write!(
                f,
                "no Clerk secret key: set {KEY_ENV} or pass one to Client::builder().secret_key(…)"
            ),
            ConfigError::EmptyKey => write!(f, "the Clerk secret key is empty"),
            ConfigError::NotASecretKey { found_prefix } => write!(
                f,
                "expected a Clerk secret key starting with `sk_` (sk_test_… or sk_live_…), got one starting with {found_prefix:?}; publishable keys (pk_…) cannot call the Backend API"
            ),
            ConfigError::InvalidUserAgent => {
                write!(
                    f,
                    "the User-Agent must be visible ASCII, without control characters"
                )
            }
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

/// With the message: `main` returning this error prints its `Debug`, and
/// `MissingKey` alone would not say which variable to set.
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let variant = match self {
            ConfigError::MissingKey => "MissingKey",
            ConfigError::EmptyKey => "EmptyKey",
            ConfigError::NotASecretKey { .. } => "NotASecretKey",
            ConfigError::InvalidUserAgent => "InvalidUserAgent",
            ConfigError::Http(_) => "Http",
        };
        f.debug_tuple(variant).field(&self.to_string()).finish()
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// A configured connection to Clerk's Backend API: the key, the base URL,
/// the HTTP connection pool, the retry policy and the observe hook. Every
/// version's `Client` wraps one; most code never names it
/// (`v2026_05_12::Client::from_env()` or `Client::builder()` builds it).
/// Build one to share a pool between versions, or to call operations
/// described at run time ([`Config::json_call`]). Cheap to clone.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    key: SecretKey,
    user_agent: reqwest::header::HeaderValue,
    retry: RetryPolicy,
    observer: Option<Observer>,
    max_response_size: usize,
}

/// The default of [`ClientBuilder::max_response_size`]: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 32 * 1024 * 1024;

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.inner.base_url)
            .field("secret_key", &self.inner.key)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a version's `Client` (`v2026_05_12::Client::builder()`), or the
/// shared [`Config`] (`Config::builder()`): `C` is what [`build`] makes.
///
/// [`build`]: ClientBuilder::build
pub struct ClientBuilder<C = Config> {
    key: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    observer: Option<Observer>,
    max_response_size: Option<usize>,
    _builds: PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            key: None,
            base_url: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            http: None,
            retry: None,
            observer: None,
            max_response_size: None,
            _builds: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "secret_key",
                &self.key.as_ref().map(|k| SecretKey(k.as_str().into())),
            )
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl<C: From<Config>> ClientBuilder<C> {
    /// The instance's secret key (`sk_test_…` or `sk_live_…`).
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Another base URL than [`DEFAULT_BASE_URL`] (a mock, a proxy).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The limit on each attempt of a request (default 30 s); one call
    /// can set its own with [`Call::timeout`](crate::Call::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limit on connecting (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The User-Agent (default `clerk-api-rust/<crate version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends through the caller's own `reqwest::Client` (its timeouts, proxy
    /// and TLS settings then apply; the User-Agent is still set per request).
    /// Build it after [`install_tls_provider`] unless your application
    /// enables a rustls provider itself.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Calls `hook` after every attempt with the operation id, path,
    /// status, headers and duration (never the key): the place for logs,
    /// metrics or tracing spans keyed by operation.
    pub fn observe(mut self, hook: impl Fn(&Exchange<'_>) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(hook));
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] turns retries off). One call can set its own
    /// with [`Call::retry_policy`](crate::Call::retry_policy).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The largest response body read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`], 32 MiB; Clerk's largest pages are a
    /// few MB). A larger body ends the call with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) instead
    /// of growing memory without bound.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// The client, or why it cannot be built (no key, a key that is not a
    /// secret key, a bad User-Agent).
    pub fn build(self) -> Result<C, ConfigError> {
        let key = self.key.ok_or(ConfigError::MissingKey)?;
        let key = key.trim();
        if key.is_empty() {
            return Err(ConfigError::EmptyKey);
        }
        if !key.starts_with("sk_") {
            return Err(ConfigError::NotASecretKey {
                found_prefix: key.chars().take(3).collect(),
            });
        }
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("clerk-api-rust/", env!("CARGO_PKG_VERSION")).to_string());
        let user_agent = reqwest::header::HeaderValue::from_str(&user_agent)
            .map_err(|_| ConfigError::InvalidUserAgent)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                install_tls_provider();
                reqwest::Client::builder()
                    .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                    .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                    .build()
                    .map_err(ConfigError::Http)?
            }
        };
        let config = Config {
            inner: Arc::new(Inner {
                http,
                base_url: self
                    .base_url
                    .unwrap_or_else(|| DEFAULT_BASE_URL.to_string())
                    .trim_end_matches('/')
                    .to_string(),
                key: SecretKey(key.into()),
                user_agent,
                retry: self.retry.unwrap_or_default(),
                observer: self.observer,
                max_response_size: self.max_response_size.unwrap_or(DEFAULT_MAX_RESPONSE_SIZE),
            }),
        };
        Ok(C::from(config))
    }

    /// The key from `CLERK_SECRET_KEY`, and the base URL from
    /// `CLERK_API_URL` if set (a mock server, a proxy), on top of what is
    /// set already.
    pub fn from_env(mut self) -> Self {
        if let Ok(key) = std::env::var(KEY_ENV) {
            self.key = Some(key);
        }
        if let Ok(url) = std::env::var(BASE_URL_ENV)
            && !url.is_empty()
        {
            self.base_url = Some(url);
        }
        self
    }
}

/// Makes `ring` the process's rustls crypto provider, unless one is
/// installed already.
///
/// `clerk-api` builds reqwest without a default provider (to avoid
/// `aws-lc-rs`'s C toolchain). [`ClientBuilder::build`] calls this itself;
/// call it before building your own `reqwest::Client` for
/// [`ClientBuilder::http_client`] if nothing else in your application
/// enables a provider, or reqwest panics when the client is built.
pub fn install_tls_provider() {
    // `Err` means a provider is installed already, which is then used.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// What one request brought back: the final attempt's status, headers and
/// body.
pub(crate) struct Raw {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: bytes::Bytes,
}

/// Why a request brought nothing back.
pub(crate) enum Failure {
    Transport(reqwest::Error),
    Request(RequestError),
    TooLarge {
        operation: &'static str,
        status: u16,
        limit: usize,
    },
}

impl Config {
    pub fn builder() -> ClientBuilder<Config> {
        ClientBuilder::default()
    }

    /// A configuration with the key in `CLERK_SECRET_KEY`, the base URL in
    /// `CLERK_API_URL` if set, and default settings.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::builder().from_env().build()
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Sends a request as API `version` with the call's options, retrying
    /// as the policy says, and returns the final attempt's answer (an
    /// error status included: decoding is the caller's). Not generic, so
    /// that it is compiled once for every operation.
    pub(crate) async fn execute(
        &self,
        version: &'static str,
        request: &Request,
        options: &Options,
    ) -> Result<Raw, Failure> {
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        // One clock read per attempt: reading it is a system call on some
        // virtual machines.
        let started = std::time::Instant::now();
        let idempotent = matches!(
            request.method,
            reqwest::Method::GET
                | reqwest::Method::HEAD
                | reqwest::Method::PUT
                | reqwest::Method::DELETE
                | reqwest::Method::OPTIONS
        );
        let mut attempts = 0;
        loop {
            attempts += 1;
            let attempt_started = if attempts == 1 {
                started
            } else {
                std::time::Instant::now()
            };
            let outcome = self.send_once(version, request, options).await;
            if let Some(observer) = &self.inner.observer {
                observer(&Exchange {
                    operation: request.operation,
                    version,
                    method: &request.method,
                    path: &request.path,
                    attempt: attempts,
                    response: outcome.as_ref().ok().map(|raw| (raw.status, &raw.headers)),
                    elapsed: attempt_started.elapsed(),
                });
            }
            let why = match &outcome {
                Ok(raw) if raw.status == 429 => Some(Retryable::RateLimited(
                    header(&raw.headers, "retry-after").and_then(|v| parse_retry_after(&v)),
                )),
                Ok(raw) if raw.status >= 500 => Some(Retryable::ServerError),
                Err(Failure::Transport(e))
                    if e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() =>
                {
                    Some(Retryable::Connection)
                }
                _ => None,
            };
            if let Some(why) = why
                && let Some(wait) = policy.wait(why, idempotent, attempts, started.elapsed())
            {
                tokio::time::sleep(wait).await;
                continue;
            }
            return outcome;
        }
    }

    /// One attempt: the status, headers and body, or why there are none.
    async fn send_once(
        &self,
        version: &'static str,
        request: &Request,
        options: &Options,
    ) -> Result<Raw, Failure> {
        let http_request = self.http_request(version, request, options)?;
        let mut response = self
            .inner
            .http
            .execute(http_request)
            .await
            .map_err(Failure::Transport)?;
        let status = response.status().as_u16();
        // The body's length comes from hyper, not from this map.
        let headers = std::mem::take(response.headers_mut());
        let limit = self.inner.max_response_size;
        let too_large = || Failure::TooLarge {
            operation: request.operation,
            status,
            limit,
        };
        let body = match response.content_length() {
            Some(length) if length > limit as u64 => return Err(too_large()),
            // The length is known and hyper holds the server to it.
            Some(_) => response.bytes().await.map_err(Failure::Transport)?,
            None => {
                let mut body = bytes::BytesMut::new();
                while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
                    if body.len() + chunk.len() > limit {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                body.freeze()
            }
        };
        Ok(Raw {
            status,
            headers,
            body,
        })
    }

    /// The HTTP request for one attempt. The key goes in a header marked
    /// sensitive, so the request's `Debug` (in a caller's middleware or
    /// logs) does not show it.
    fn http_request(
        &self,
        version: &'static str,
        request: &Request,
        options: &Options,
    ) -> Result<reqwest::Request, Failure> {
        let url = format!("{}{}", self.inner.base_url, request.path);
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .bearer_auth(&*self.inner.key.0)
            .header(reqwest::header::USER_AGENT, self.inner.user_agent.clone())
            .header(CLERK_API_VERSION, version)
            .header(reqwest::header::ACCEPT, APPLICATION_JSON);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = match &request.body {
            Body::None => builder,
            Body::Json(bytes) => builder
                .header(reqwest::header::CONTENT_TYPE, APPLICATION_JSON)
                .body(bytes.clone()),
            Body::Form(pairs) => builder.form(pairs),
            Body::Multipart(form) => builder.multipart(form.to_form().map_err(Failure::Request)?),
        };
        if let Some(timeout) = options.timeout {
            builder = builder.timeout(timeout);
        }
        let mut http_request = builder.build().map_err(Failure::Transport)?;
        // The call's own headers replace the defaults of the same name.
        for (name, value) in &options.headers {
            http_request
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
        Ok(http_request)
    }
}

/// Header names and values sent on every request, parsed once.
const CLERK_API_VERSION: HeaderName = HeaderName::from_static("clerk-api-version");
const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

pub(crate) fn header(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_and_never_shown() {
        let err = Config::builder().build().unwrap_err();
        assert!(matches!(err, ConfigError::MissingKey));
        let err = Config::builder().secret_key("  ").build().unwrap_err();
        assert!(matches!(err, ConfigError::EmptyKey));
        let err = Config::builder()
            .secret_key("pk_test_abc")
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("expected a Clerk secret key starting with `sk_`"),
            "{err}"
        );
        assert!(!err.to_string().contains("abc"));

        let secret = "sk_test_verysecretvalue123";
        let config = Config::builder().secret_key(secret).build().unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("verysecret"), "{debug}");
        assert!(debug.contains("sk_test_…"), "{debug}");
        let builder = format!("{:?}", Config::builder().secret_key(secret));
        assert!(!builder.contains("verysecret"), "{builder}");
    }

    #[test]
    fn requests_do_not_show_the_key() {
        let secret = "sk_test_verysecretvalue123";
        let config = Config::builder().secret_key(secret).build().unwrap();
        let mut request = Request::new(reqwest::Method::PATCH, "/users/u_1".into(), "UpdateUser");
        request.json(&serde_json::json!({"first_name": "Ada"}));
        let Ok(http) = config.http_request("2025-11-10", &request, &Options::default()) else {
            panic!("the request builds")
        };
        // The header is there, and only its Debug is redacted.
        let auth = &http.headers()[reqwest::header::AUTHORIZATION];
        assert_eq!(auth.to_str().unwrap(), format!("Bearer {secret}"));
        assert!(auth.is_sensitive());
        let shown = format!("{http:?}");
        assert!(
            shown.contains("clerk-api-version"),
            "headers are shown: {shown}"
        );
        assert!(!shown.contains("verysecret"), "{shown}");
    }
}
