//! The shared client: configuration, and the one path every request takes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError, Error, excerpt};
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

/// A configured connection to Clerk's Backend API, shared by every version
/// module. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Arc<str>,
    key: SecretKey,
    user_agent: reqwest::header::HeaderValue,
    retry: Arc<RetryPolicy>,
    observer: Option<Observer>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("secret_key", &self.key)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    key: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    observer: Option<Observer>,
}

impl fmt::Debug for ClientBuilder {
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

impl ClientBuilder {
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

    /// The limit on a whole request (default 30 s).
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
    /// [`RetryPolicy::none`] turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    pub fn build(self) -> Result<Client, ConfigError> {
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
        Ok(Client {
            http,
            base_url: self
                .base_url
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_string())
                .trim_end_matches('/')
                .into(),
            key: SecretKey(key.into()),
            user_agent,
            retry: Arc::new(self.retry.unwrap_or_default()),
            observer: self.observer,
        })
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

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the key in `CLERK_SECRET_KEY`, the base URL in
    /// `CLERK_API_URL` if set (a mock server, a proxy), and default settings.
    pub fn from_env() -> Result<Client, ConfigError> {
        let key = std::env::var(KEY_ENV).map_err(|_| ConfigError::MissingKey)?;
        let mut builder = Client::builder().secret_key(key);
        if let Ok(url) = std::env::var(BASE_URL_ENV)
            && !url.is_empty()
        {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends an untyped request: `operation` (its operationId, for the
    /// `observe` hook), `method` and `path` (after the base URL, already
    /// escaped), query pairs and an optional JSON body, as API `version`,
    /// with the same key, headers, retries and error decoding as the typed
    /// methods. The escape hatch for tools that work from a catalog
    /// rather than types, such as the `clerk` CLI; prefer the typed
    /// methods of a version module.
    pub async fn request_json(
        &self,
        version: &'static str,
        operation: &'static str,
        method: reqwest::Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, Error<serde_json::Value>> {
        let mut request = Request::new(method, path.to_string(), operation);
        for (name, value) in query {
            request.query(name, value)?;
        }
        if let Some(body) = body {
            request.json(body)?;
        }
        self.send(version, request).await
    }

    /// Sends a request as API `version`, retrying as the policy says, and
    /// decodes the answer: a success into `T`, an error status into
    /// `Error::Api` with an `E` body.
    #[allow(dead_code)] // called by the generated modules only
    pub(crate) async fn send<T: DeserializeOwned, E: DeserializeOwned>(
        &self,
        version: &'static str,
        request: Request,
    ) -> Result<T, Error<E>> {
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
            let attempt_started = std::time::Instant::now();
            let outcome = self.send_once(version, &request).await;
            if let Some(observer) = &self.observer {
                observer(&Exchange {
                    operation: request.operation,
                    version,
                    method: &request.method,
                    path: &request.path,
                    attempt: attempts,
                    response: outcome
                        .as_ref()
                        .ok()
                        .map(|(status, headers, _)| (*status, headers)),
                    elapsed: attempt_started.elapsed(),
                });
            }
            let why = match &outcome {
                Ok((429, headers, _)) => Some(Retryable::RateLimited(
                    header(headers, "retry-after").and_then(|v| parse_retry_after(&v)),
                )),
                Ok((status, _, _)) if *status >= 500 => Some(Retryable::ServerError),
                Err(Error::Transport(e))
                    if e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() =>
                {
                    Some(Retryable::Connection)
                }
                _ => None,
            };
            if let Some(why) = why
                && let Some(wait) = self
                    .retry
                    .wait(why, idempotent, attempts, started.elapsed())
            {
                tokio::time::sleep(wait).await;
                continue;
            }
            let (status, headers, bytes) = outcome?;
            return finish(status, &headers, &bytes, request.operation);
        }
    }

    /// One attempt: the status, headers and body, or why there are none.
    async fn send_once<E>(
        &self,
        version: &'static str,
        request: &Request,
    ) -> Result<(u16, reqwest::header::HeaderMap, bytes::Bytes), Error<E>> {
        let request = self.http_request(version, request)?;
        let response = self.http.execute(request).await.map_err(Error::Transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(Error::Transport)?;
        Ok((status, headers, bytes))
    }

    /// The HTTP request for one attempt. The key goes in a header marked
    /// sensitive, so the request's `Debug` (in a caller's middleware or
    /// logs) does not show it.
    fn http_request<E>(
        &self,
        version: &'static str,
        request: &Request,
    ) -> Result<reqwest::Request, Error<E>> {
        let url = format!("{}{}", self.base_url, request.path);
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .bearer_auth(&*self.key.0)
            .header(reqwest::header::USER_AGENT, self.user_agent.clone())
            .header("Clerk-API-Version", version)
            .header(reqwest::header::ACCEPT, "application/json");
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = match &request.body {
            Body::None => builder,
            Body::Json(bytes) => builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Form(pairs) => builder.form(pairs),
            Body::Multipart(form) => builder.multipart(form.to_form()?),
        };
        builder.build().map_err(Error::Transport)
    }
}

/// Decodes a final response: a success into `T`, an error into `Error::Api`.
#[allow(dead_code)] // called by `send` only
fn finish<T: DeserializeOwned, E: DeserializeOwned>(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    bytes: &[u8],
    operation: &'static str,
) -> Result<T, Error<E>> {
    if (200..300).contains(&status) {
        return decode(bytes).map_err(|(path, message)| {
            Error::Decode(DecodeError {
                status,
                path,
                message,
                body_excerpt: excerpt(bytes),
                operation,
            })
        });
    }
    let body: Option<E> = if bytes.is_empty() {
        None
    } else {
        serde_json::from_slice(bytes).ok()
    };
    let trace_id = serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("clerk_trace_id")?.as_str().map(str::to_owned))
        .or_else(|| header(headers, "cf-ray"));
    Err(Error::Api(ApiError {
        status,
        body,
        body_excerpt: excerpt(bytes),
        trace_id,
        retry_after: header(headers, "retry-after").and_then(|v| parse_retry_after(&v)),
        operation,
    }))
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

/// Decodes a success body; an empty body is JSON `null` (for `()`).
#[allow(dead_code)] // called by `send` only
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, String)> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    };
    // Tracking the path costs about half again the decoding time, so it is
    // only done to explain a failure (decoding is deterministic).
    let first = match serde_json::from_slice(bytes) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => Err((e.path().to_string(), e.inner().to_string())),
        Ok(_) => Err((String::new(), first.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_and_never_shown() {
        let err = Client::builder().build().unwrap_err();
        assert!(matches!(err, ConfigError::MissingKey));
        let err = Client::builder().secret_key("  ").build().unwrap_err();
        assert!(matches!(err, ConfigError::EmptyKey));
        let err = Client::builder()
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
        let client = Client::builder().secret_key(secret).build().unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("verysecret"), "{debug}");
        assert!(debug.contains("sk_test_…"), "{debug}");
        let builder = format!("{:?}", Client::builder().secret_key(secret));
        assert!(!builder.contains("verysecret"), "{builder}");
    }

    #[test]
    fn requests_do_not_show_the_key() {
        let secret = "sk_test_verysecretvalue123";
        let client = Client::builder().secret_key(secret).build().unwrap();
        let mut request = Request::new(reqwest::Method::PATCH, "/users/u_1".into(), "UpdateUser");
        request
            .json(&serde_json::json!({"first_name": "Ada"}))
            .unwrap();
        let http = client.http_request::<()>("2025-11-10", &request).unwrap();
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
