//! A tower layer that authenticates each request, and axum extractors that
//! hand handlers the result (feature `axum`).
//!
//! Protection is by placement: put the layer on the routes that need it
//! with `Router::route_layer`, never by matching paths.
//!
//! ```no_run
//! use axum::{Json, Router, routing::get};
//! use clerk_api::auth::{ClerkLayer, Requirement, Session, Verifier};
//!
//! async fn me(session: Session) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({"user_id": session.user_id}))
//! }
//!
//! # fn app(verifier: Verifier) -> Router {
//! Router::new()
//!     .route("/admin", get(me))
//!     .route_layer(ClerkLayer::new(verifier.clone()).require(Requirement::role("org:admin")))
//!     .route("/me", get(me))
//!     .route_layer(ClerkLayer::new(verifier))
//!     .route("/health", get(|| async { "ok" }))
//! # }
//! ```
//!
//! A missing or invalid token is answered 401 with a JSON body and a
//! `WWW-Authenticate: Bearer` header (503 when the keys or the Backend API
//! are out of reach), a session without what [`ClerkLayer::require`] asks
//! 403; [`ClerkLayer::on_rejection`] replaces these answers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum_core::body::Body;
use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderValue, Request, StatusCode, header};

use super::{AuthError, Identity, Requirement, Session, TokenKind, Verifier, token_from_headers};

/// What the layer found, in the request's extensions: `None` when the layer
/// lets requests without a token through ([`ClerkLayer::optional`]).
#[derive(Clone)]
struct Authenticated(Option<Identity>);

/// Why a request was not let through, or an extractor could not give what
/// a handler asked for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthRejection {
    /// No valid token: 401 (503 when verification could not be done).
    Unauthenticated(AuthError),
    /// A valid session without what the route requires: 403.
    Forbidden(Requirement),
    /// The handler asks for a session, and the caller is a machine: 403.
    WrongKind(TokenKind),
    /// An extractor on a route without [`ClerkLayer`]: a server bug, 500.
    NotConfigured,
}

impl AuthRejection {
    pub fn status(&self) -> StatusCode {
        match self {
            AuthRejection::Unauthenticated(e) => {
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNAUTHORIZED)
            }
            AuthRejection::Forbidden(_) | AuthRejection::WrongKind(_) => StatusCode::FORBIDDEN,
            AuthRejection::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short, stable name of the reason (`token_expired`, `forbidden`…).
    pub fn code(&self) -> &'static str {
        match self {
            AuthRejection::Unauthenticated(e) => e.code(),
            AuthRejection::Forbidden(_) => "forbidden",
            AuthRejection::WrongKind(_) => "token_kind_not_accepted",
            AuthRejection::NotConfigured => "auth_not_configured",
        }
    }
}

impl std::fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthRejection::Unauthenticated(e) => write!(f, "{e}"),
            AuthRejection::Forbidden(r) => write!(f, "this route requires {r}"),
            AuthRejection::WrongKind(kind) => {
                write!(
                    f,
                    "this route needs a session; {} tokens are not accepted",
                    kind.as_str()
                )
            }
            AuthRejection::NotConfigured => {
                f.write_str("authentication is not set up for this route (no ClerkLayer)")
            }
        }
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let status = self.status();
        let error = match status {
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::SERVICE_UNAVAILABLE => "unavailable",
            _ => "internal_error",
        };
        let body = serde_json::json!({
            "error": error,
            "code": self.code(),
            "message": self.to_string(),
        });
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        // RFC 6750 §3: no error code when the request had no token.
        let challenge = match &self {
            AuthRejection::Unauthenticated(AuthError::MissingToken) => Some("Bearer".to_string()),
            AuthRejection::Unauthenticated(e) if status == StatusCode::UNAUTHORIZED => {
                Some(format!(
                    r#"Bearer error="invalid_token", error_description="{}""#,
                    e.code()
                ))
            }
            AuthRejection::Forbidden(_) | AuthRejection::WrongKind(_) => {
                Some(r#"Bearer error="insufficient_scope""#.to_string())
            }
            _ => None,
        };
        if let Some(challenge) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, challenge);
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        }
        response
    }
}

type RejectionHandler = Arc<dyn Fn(AuthRejection) -> Response + Send + Sync>;

/// A tower [`Layer`](tower_layer::Layer) that authenticates every request
/// it wraps with a [`Verifier`] (the `Authorization: Bearer` header, else
/// the `__session` cookie) and puts who is calling in the request's
/// extensions, for the [`Session`] and [`Identity`] extractors.
#[derive(Clone)]
pub struct ClerkLayer {
    verifier: Verifier,
    requirement: Option<Requirement>,
    optional: bool,
    rejection: Option<RejectionHandler>,
}

impl std::fmt::Debug for ClerkLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClerkLayer")
            .field("verifier", &self.verifier)
            .field("requirement", &self.requirement)
            .field("optional", &self.optional)
            .finish_non_exhaustive()
    }
}

impl ClerkLayer {
    pub fn new(verifier: Verifier) -> Self {
        ClerkLayer {
            verifier,
            requirement: None,
            optional: false,
            rejection: None,
        }
    }

    /// Lets only sessions that meet `requirement` through; others get 403.
    pub fn require(mut self, requirement: Requirement) -> Self {
        self.requirement = Some(requirement);
        self
    }

    /// Lets requests without any token through, without an identity (an
    /// invalid token is still refused): for routes that serve everyone and
    /// say more to signed-in users, with an `Option<Session>` extractor.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// Answers rejected requests with `handler`'s response instead of the
    /// default JSON body.
    pub fn on_rejection(
        mut self,
        handler: impl Fn(AuthRejection) -> Response + Send + Sync + 'static,
    ) -> Self {
        self.rejection = Some(Arc::new(handler));
        self
    }

    async fn check(&self, headers: &http::HeaderMap) -> Result<Option<Identity>, AuthRejection> {
        let token = token_from_headers(headers).map_err(AuthRejection::Unauthenticated)?;
        let Some((token, _)) = token else {
            if self.optional && self.requirement.is_none() {
                return Ok(None);
            }
            return Err(AuthRejection::Unauthenticated(AuthError::MissingToken));
        };
        let identity = self
            .verifier
            .authenticate(token)
            .await
            .map_err(AuthRejection::Unauthenticated)?;
        if let Some(requirement) = &self.requirement
            && !identity.session().is_some_and(|s| s.has(requirement))
        {
            return Err(AuthRejection::Forbidden(requirement.clone()));
        }
        Ok(Some(identity))
    }

    fn reject(&self, rejection: AuthRejection) -> Response {
        match &self.rejection {
            Some(handler) => handler(rejection),
            None => rejection.into_response(),
        }
    }
}

impl<S> tower_layer::Layer<S> for ClerkLayer {
    type Service = ClerkService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClerkService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`ClerkLayer`] wraps around a route.
#[derive(Clone, Debug)]
pub struct ClerkService<S> {
    inner: S,
    layer: ClerkLayer,
}

impl<S, B> tower_service::Service<Request<B>> for ClerkService<S>
where
    S: tower_service::Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The clone is not ready; the service that was polled ready is.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let layer = self.layer.clone();
        Box::pin(async move {
            match layer.check(request.headers()).await {
                Ok(identity) => {
                    request.extensions_mut().insert(Authenticated(identity));
                    inner.call(request).await
                }
                Err(rejection) => Ok(layer.reject(rejection)),
            }
        })
    }
}

fn authenticated(parts: &Parts) -> Result<Option<&Identity>, AuthRejection> {
    match parts.extensions.get::<Authenticated>() {
        Some(Authenticated(identity)) => Ok(identity.as_ref()),
        None => Err(AuthRejection::NotConfigured),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Identity {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        authenticated(parts)?
            .cloned()
            .ok_or(AuthRejection::Unauthenticated(AuthError::MissingToken))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match authenticated(parts)? {
            Some(Identity::Session(session)) => Ok(session.clone()),
            Some(other) => Err(AuthRejection::WrongKind(other.kind())),
            None => Err(AuthRejection::Unauthenticated(AuthError::MissingToken)),
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(authenticated(parts)?.and_then(Identity::session).cloned())
    }
}
