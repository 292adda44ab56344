//! An axum extractor of verified deliveries (features `events` and `axum`).
//!
//! ```no_run
//! # #[cfg(feature = "events-2025-04-15")]
//! # mod demo {
//! use axum::{Router, routing::post};
//! use clerk_api::events::{Verified, Verifier, v2025_04_15::Event};
//!
//! async fn receive(Verified(delivery): Verified<Event>) -> &'static str {
//!     if let Event::UserCreated(created) = delivery.event {
//!         println!("{} signed up", created.data.id);
//!     }
//!     "ok"
//! }
//!
//! pub fn app(verifier: Verifier) -> Router {
//!     // The verifier is the router's state (or reachable from it by `FromRef`).
//!     Router::new().route("/webhooks", post(receive)).with_state(verifier)
//! }
//! # }
//! ```

use axum_core::body::Body;
use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use super::{Delivery, EventError, Verifier};

/// A delivery whose signature and timestamp hold, decoded into `E`; the
/// body is read up to the verifier's limit ([`Verifier::max_body`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Verified<E>(pub Delivery<E>);

/// Why the extractor refused a delivery: 401 for a signature or timestamp
/// that does not hold, 400 for missing headers or a body that is not the
/// event, 413 for a body over the limit; a JSON body says which check
/// failed. Nothing about the secret is said.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRejection(pub EventError);

impl IntoResponse for DeliveryRejection {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({
            "error": if status.is_server_error() { "internal_error" } else { "invalid_delivery" },
            "code": self.0.code(),
            "message": self.0.to_string(),
        });
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

impl<S, E> FromRequest<S> for Verified<E>
where
    S: Send + Sync,
    Verifier: FromRef<S>,
    E: DeserializeOwned,
{
    type Rejection = DeliveryRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let (parts, body) = request.into_parts();
        let limit = verifier.body_limit();
        let bytes = match Limited::new(body, limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(DeliveryRejection(EventError::BodyTooLarge { limit }));
            }
            Err(e) => {
                return Err(DeliveryRejection(EventError::UnreadableBody {
                    reason: e.to_string(),
                }));
            }
        };
        verifier
            .verify_event(&parts.headers, &bytes)
            .map(Verified)
            .map_err(DeliveryRejection)
    }
}
