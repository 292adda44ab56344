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
///
/// A delivery is read once into its raw JSON text, its `type` is found
/// without building anything, and the text is then decoded straight into
/// that event's type: no intermediate `serde_json::Value`, which would
/// cost more than the typed decode itself (through a `Value`, verifying
/// and decoding took 17.8 µs, 2.2× verifying and decoding into an untyped
/// `Value`; now 5.7 µs, 0.69×: `cargo bench -p tests --bench webhooks`). Events are JSON, so decoding them needs a
/// JSON deserializer (`serde_json::from_slice`/`from_str`/`from_value`).
#[doc(hidden)]
pub mod __private {
    use std::borrow::Cow;

    use serde::de::{DeserializeOwned, Error};
    use serde_json::Value;
    use serde_json::value::RawValue;

    /// The `type` of a delivery, and the delivery as JSON text.
    pub fn split<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<(String, Box<RawValue>), D::Error> {
        #[derive(serde::Deserialize)]
        struct Tag<'a> {
            #[serde(rename = "type", borrow)]
            event_type: Option<Cow<'a, str>>,
        }
        let raw = <Box<RawValue> as serde::Deserialize>::deserialize(deserializer)?;
        let tag: Tag = serde_json::from_str(raw.get()).map_err(|_| {
            D::Error::custom("a webhook event is a JSON object with a string `type`")
        })?;
        let event_type = tag
            .event_type
            .ok_or_else(|| D::Error::custom("type: a webhook event needs a string `type`"))?
            .into_owned();
        Ok((event_type, raw))
    }

    /// A delivery decoded into its event's payload type; an error names
    /// the JSON path where decoding stopped (found by a second, tracking
    /// pass, so that the common case pays nothing for it).
    pub fn typed<T: DeserializeOwned, E: Error>(raw: &RawValue) -> Result<T, E> {
        serde_json::from_str(raw.get()).or_else(|first| {
            let mut deserializer = serde_json::Deserializer::from_str(raw.get());
            match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Ok(value) => Ok(value),
                Err(e) if e.path().iter().next().is_some() => {
                    let path = e.path().to_string();
                    Err(E::custom(format!("{path}: {}", e.into_inner())))
                }
                Err(_) => Err(E::custom(first)),
            }
        })
    }

    /// A delivery of a type the version does not describe, kept whole.
    pub fn unknown<E: Error>(event_type: String, raw: &RawValue) -> Result<super::UnknownEvent, E> {
        let json: Value = serde_json::from_str(raw.get()).map_err(E::custom)?;
        Ok(super::UnknownEvent::new(event_type, json))
    }
}

include!("versions.rs");
