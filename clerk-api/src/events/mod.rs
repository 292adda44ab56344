//! Receiving Clerk's webhooks: deliveries verified the Svix / Standard
//! Webhooks way, then decoded into the events of a webhooks version (feature
//! `events`; each version is a feature of its own, `events-2025-04-15`, and
//! `axum` adds an extractor).
//!
//! ```no_run
//! # #[cfg(feature = "events-2025-04-15")]
//! # fn demo(headers: &reqwest::header::HeaderMap, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_api::events::{Verifier, v2025_04_15::Event};
//!
//! let verifier = Verifier::from_env()?; // CLERK_WEBHOOK_SIGNING_SECRET, `whsec_…`
//! let delivery = verifier.verify_event::<Event>(headers, body)?;
//! match delivery.event {
//!     Event::UserCreated(created) => println!("{} signed up", created.data.id),
//!     Event::UserDeleted(deleted) => println!("{:?} is gone", deleted.data.id),
//!     other => println!("{} (not handled here)", other.event_type()),
//! }
//! # Ok(()) }
//! ```
//!
//! Named `events` so that it is not mistaken for the Backend API's
//! `webhooks` group, which manages the Svix application itself.

#[cfg(feature = "axum")]
mod axum;
mod verify;

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use self::axum::{DeliveryRejection, Verified};
pub use verify::{
    DEFAULT_MAX_BODY, DEFAULT_TOLERANCE, Delivery, EventError, SECRET_ENV, Signed, Verifier,
};

use serde_json::Value;

/// An event of a type the webhooks version does not describe (Clerk added
/// it later): its `type` and its JSON, as sent. It is not built by callers;
/// do not match on the contents of its JSON as a substitute for a typed
/// variant, which a newer version module provides.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    event_type: String,
    json: Value,
}

impl UnknownEvent {
    // Called by the generated event modules only.
    #[allow(dead_code)]
    pub(crate) fn new(event_type: String, json: Value) -> Self {
        UnknownEvent { event_type, json }
    }

    /// The event's `type`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The whole delivery, as sent.
    pub fn json(&self) -> &Value {
        &self.json
    }
}

/// What the generated event modules call; not part of the public API.
#[doc(hidden)]
pub mod __private {
    use serde::de::{DeserializeOwned, Error};
    use serde_json::Value;

    /// The `type` of a delivery, and the delivery as JSON.
    pub fn split<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<(String, Value), D::Error> {
        let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
        let event_type = value
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| D::Error::custom("type: a webhook event needs a string `type`"))?
            .to_string();
        Ok((event_type, value))
    }

    /// A delivery decoded into its event's payload type; an error names
    /// the JSON path where decoding stopped.
    pub fn typed<T: DeserializeOwned, E: Error>(value: Value) -> Result<T, E> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            E::custom(format!("{path}: {}", e.into_inner()))
        })
    }
}

include!("versions.rs");
