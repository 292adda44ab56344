//! A call as a value: what every generated method returns. It is built at
//! once (nothing is sent yet), takes per-call options, and is sent by
//! awaiting it (`client.users().get(id).await?`), or by
//! [`Call::send_with_response`] for the status and headers too. A list
//! operation's call also walks every page ([`Call::stream`]).

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use crate::config::{Config, Failure, Raw, header};
use crate::error::{ApiError, DecodeError, Error, RequestError};
use crate::pages::{PageRule, Paged, Pages};
use crate::request::Request;
use crate::retry::{RetryPolicy, parse_retry_after};

/// The call of an operation that answers one value (not a list walked page
/// by page).
#[derive(Debug, Clone, Copy, Default)]
pub struct Single;

/// Per-call settings, over the [`Config`]'s.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

/// One operation, ready to send: `T` is what a success decodes into, `E`
/// what an error body decodes into, and `P` says whether it is a list
/// operation ([`Paged`]) or not ([`Single`]).
///
/// Await it to send it; set per-call options first:
///
/// ```no_run
/// # #[cfg(feature = "v2026-05-12")]
/// # async fn demo(client: &clerk_api::v2026_05_12::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use clerk_api::RetryPolicy;
///
/// let user = client
///     .users()
///     .get("user_123")
///     .timeout(Duration::from_secs(5))
///     .retry_policy(RetryPolicy::none())
///     .header("x-request-id", "req_42")
///     .await?;
/// # let _ = user; Ok(()) }
/// ```
///
/// A call owns what it sends (no borrow of the client or the arguments)
/// and is itself a [`Future`] (sent when first polled), so calls can be
/// collected and awaited together (`futures::future::join_all`), or
/// spawned.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T, E, P = Single> {
    config: Config,
    version: &'static str,
    request: Result<Request, RequestError>,
    options: Options,
    pages: P,
    /// The request in flight, once the call is polled.
    in_flight: Option<SendFuture<T, E>>,
    _types: PhantomData<fn() -> (T, E)>,
}

type SendFuture<T, E> = Pin<Box<dyn Future<Output = Result<Response<T>, Error<E>>> + Send>>;

impl<T, E, P: fmt::Debug> fmt::Debug for Call<T, E, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Call");
        match &self.request {
            Ok(request) => s
                .field("operation", &request.operation)
                .field("method", &request.method)
                .field("path", &request.path),
            Err(e) => s.field("invalid", e),
        };
        s.field("version", &self.version)
            .field("pages", &self.pages)
            .finish_non_exhaustive()
    }
}

impl<T, E> Call<T, E, Single> {
    pub(crate) fn new(config: &Config, version: &'static str, request: Request) -> Self {
        Call {
            config: config.clone(),
            version,
            request: request.checked(),
            options: Options::default(),
            pages: Single,
            in_flight: None,
            _types: PhantomData,
        }
    }

    /// Makes this call a list operation's, walked page by page as `rule`
    /// says, reading the cursor (if the rule has one) with `cursor_of`.
    /// Used by the generated modules.
    #[allow(dead_code)]
    pub(crate) fn paged<Item: 'static>(
        self,
        rule: PageRule,
        cursor_of: Option<fn(&Item) -> Option<String>>,
    ) -> Call<T, E, Paged<Item>> {
        self.with_pages(Paged::new(rule, cursor_of))
    }

    pub(crate) fn with_pages<P>(self, pages: P) -> Call<T, E, P> {
        Call {
            config: self.config,
            version: self.version,
            request: self.request,
            options: self.options,
            pages,
            in_flight: None,
            _types: PhantomData,
        }
    }
}

impl<T, E, P> Call<T, E, P> {
    /// The limit on each attempt of this call (the [`Config`]'s, 30 s by
    /// default, otherwise). A timed-out attempt is retried as the retry
    /// policy says, like a connection failure.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// How this call is retried, instead of the [`Config`]'s policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Sends a header with this call (replacing one of the same name that
    /// the client sets, except that the key cannot be removed this way: an
    /// `Authorization` header replaces it). A name or value that is not a
    /// valid header is an [`Error::Request`] when the call is sent.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => self.options.headers.push((name, value)),
            _ => {
                if self.request.is_ok() {
                    self.request = Err(RequestError::new(
                        "a header set on the call is not a valid header name and value".into(),
                    ));
                }
            }
        }
        self
    }

    /// The operationId, when the call's arguments were valid.
    pub fn operation(&self) -> Option<&'static str> {
        self.request.as_ref().ok().map(|r| r.operation)
    }
}

impl<T: DeserializeOwned, E: DeserializeOwned, P> Call<T, E, P> {
    /// Sends the call and gives the status and headers beside the decoded
    /// value (rate-limit headers, the trace id of a success…).
    pub async fn send_with_response(self) -> Result<Response<T>, Error<E>> {
        send(self.config, self.version, self.request, self.options).await
    }
}

async fn send<T: DeserializeOwned, E: DeserializeOwned>(
    config: Config,
    version: &'static str,
    request: Result<Request, RequestError>,
    options: Options,
) -> Result<Response<T>, Error<E>> {
    let request = request?;
    let raw = config
        .execute(version, &request, &options)
        .await
        .map_err(Error::from_failure)?;
    finish(raw, request.operation)
}

/// Awaiting a call sends it: the request is sent when the call is first
/// polled, with the options set until then.
impl<T, E, P> Future for Call<T, E, P>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
    P: Unpin,
{
    type Output = Result<T, Error<E>>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = &mut *self;
        let in_flight = this.in_flight.get_or_insert_with(|| {
            let request = std::mem::replace(
                &mut this.request,
                Err(RequestError::new("the call was sent already".into())),
            );
            Box::pin(send(
                this.config.clone(),
                this.version,
                request,
                std::mem::take(&mut this.options),
            ))
        });
        in_flight
            .as_mut()
            .poll(cx)
            .map(|result| result.map(Response::into_value))
    }
}

impl<T, E, Item> Call<T, E, Paged<Item>>
where
    E: DeserializeOwned + Send + 'static,
    Item: DeserializeOwned + Send + 'static,
{
    /// Every item of every page, as a stream. Pages hold the call's
    /// `limit` (100 if unset) and start at its `offset`; a declared cursor
    /// replaces the offset after the first page where the spec allows it.
    /// The walk stops after a short page or once the total is reached, and
    /// after the first error, which it yields. Needs no pinning and no
    /// trait: `while let Some(user) = pages.try_next().await? { … }`.
    pub fn stream(self) -> Pages<Item, E> {
        Pages::new(
            self.config,
            self.version,
            self.request,
            self.options,
            self.pages,
        )
    }

    /// Every item of every page, collected (see [`Call::stream`]).
    pub async fn collect_all(self) -> Result<Vec<Item>, Error<E>> {
        self.stream().try_collect().await
    }
}

/// A decoded success with the response's status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: u16,
    headers: HeaderMap,
    value: T,
}

impl<T> Response<T> {
    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    pub fn value(&self) -> &T {
        &self.value
    }

    pub fn into_value(self) -> T {
        self.value
    }

    pub fn into_parts(self) -> (u16, HeaderMap, T) {
        (self.status, self.headers, self.value)
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<E> Error<E> {
    pub(crate) fn from_failure(failure: Failure) -> Self {
        match failure {
            Failure::Transport(e) => Error::Transport(e),
            Failure::Request(e) => Error::Request(e),
            Failure::TooLarge {
                operation,
                status,
                limit,
            } => Error::ResponseTooLarge {
                operation,
                status,
                limit,
            },
        }
    }
}

/// Decodes a final answer: a success into `T`, an error status into
/// `Error::Api` with its body decoded into `E` (and kept raw too).
pub(crate) fn finish<T: DeserializeOwned, E: DeserializeOwned>(
    raw: Raw,
    operation: &'static str,
) -> Result<Response<T>, Error<E>> {
    let Raw {
        status,
        headers,
        body,
    } = raw;
    if (200..300).contains(&status) {
        return match decode(&body) {
            Ok(value) => Ok(Response {
                status,
                headers,
                value,
            }),
            Err((path, message)) => Err(Error::Decode(DecodeError {
                status,
                path,
                message,
                raw_body: body,
                operation,
            })),
        };
    }
    Err(Error::Api(Box::new(api_error(
        status, headers, body, operation,
    ))))
}

/// An error status, with its body decoded when it fits `E`.
pub(crate) fn api_error<E: DeserializeOwned>(
    status: u16,
    headers: HeaderMap,
    body: bytes::Bytes,
    operation: &'static str,
) -> ApiError<E> {
    let decoded: Option<E> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice(&body).ok()
    };
    ApiError {
        status,
        body: decoded,
        raw_body: body,
        retry_after: header(&headers, "retry-after").and_then(|v| parse_retry_after(&v)),
        headers,
        operation,
    }
}

/// Decodes a success body; an empty body is JSON `null` (for `()`).
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, String)> {
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

impl Config {
    /// A call of an operation described at run time rather than by a
    /// generated method (as the `clerk` CLI does from the model): sent
    /// with the same key, headers, retries and error handling, answered as
    /// JSON. `path` is the path after the base URL, built with
    /// [`path`](crate::path) so that its parameters are escaped.
    /// Add query parameters and a JSON body with [`JsonCall`]'s methods;
    /// page it with [`Call::paged_json`].
    pub fn json_call(
        &self,
        version: &'static str,
        operation: &'static str,
        method: reqwest::Method,
        path: String,
    ) -> JsonCall {
        JsonCall {
            config: self.clone(),
            version,
            request: Request::new(method, path, operation),
        }
    }
}

/// The arguments of a [`Config::json_call`], before it becomes a [`Call`].
#[derive(Debug)]
pub struct JsonCall {
    config: Config,
    version: &'static str,
    request: Request,
}

impl JsonCall {
    /// A query parameter: an array repeats the key (`a=1&a=2`), `null`
    /// adds nothing.
    pub fn query(mut self, name: &str, value: &serde_json::Value) -> Self {
        self.request.query(name, value);
        self
    }

    /// An array query parameter as one comma-joined value
    /// (`explode: false`).
    pub fn query_joined(mut self, name: &str, values: &[serde_json::Value]) -> Self {
        self.request.query_joined(name, values);
        self
    }

    /// A header parameter.
    pub fn header(mut self, name: &str, value: &serde_json::Value) -> Self {
        self.request.header(name, value);
        self
    }

    /// The JSON body.
    pub fn json(mut self, body: &serde_json::Value) -> Self {
        self.request.json(body);
        self
    }

    /// The call, answered as JSON (errors too). A value that could not be
    /// encoded is an [`Error::Request`] when it is sent.
    pub fn call(self) -> Call<serde_json::Value, serde_json::Value> {
        Call::new(&self.config, self.version, self.request)
    }
}
