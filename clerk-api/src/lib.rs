//! Typed clients for [Clerk](https://clerk.com)'s Backend API.
//!
//! The crate has two halves: a small hand-written runtime shared by every
//! API version ([`Config`], [`Call`], [`Pages`], [`Error`], [`Nullable`],
//! [`File`], [`Metadata`], [`Order`]), and one generated module per API
//! version, each behind a Cargo feature:
//!
//! ```toml
//! clerk-api = { version = "0.1", features = ["v2026-05-12"] }
//! ```
//!
//! ```no_run
//! # #[cfg(feature = "v2026-05-12")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_api::v2026_05_12 as clerk;
//!
//! let client = clerk::Client::from_env()?; // CLERK_SECRET_KEY
//! let users = client.users().list(&Default::default()).await?;
//! println!("{} users", users.len());
//!
//! // A call is a value: options first, then await it; lists also stream.
//! let mut all = client.users().list(&Default::default()).stream();
//! while let Some(user) = all.try_next().await? {
//!     println!("{}", user.id);
//! }
//! # Ok(()) }
//! ```
//!
//! Every method returns a [`Call`]: awaiting it sends it (retried as the
//! [`RetryPolicy`] says); before that, `.timeout(…)`, `.retry_policy(…)`
//! and `.header(…)` set options for that call, and
//! [`Call::send_with_response`] gives the status and headers beside the
//! value. Errors are [`Error`], with `code()`, `message()` and
//! `trace_id()` read from Clerk's error body.
//!
//! Each version's client sends that version in the `Clerk-API-Version`
//! header, so a module always talks to the API it was generated from.
//!
//! Feature `auth` adds [`auth`]: verifying the session tokens and machine
//! tokens your backend receives, without a network call per request for
//! JWTs; feature `axum` adds a tower layer and extractors for it.
//!
//! Feature `events` adds [`events`]: verifying the webhook deliveries Clerk
//! sends (through Svix) and decoding them into the typed events of a
//! webhooks version (`events-2025-04-15`); with `axum`, an extractor.

// docs.rs shows on each version module the feature that enables it.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "auth")]
#[cfg_attr(docsrs, doc(cfg(feature = "auth")))]
pub mod auth;
mod call;
#[cfg(any(feature = "auth", feature = "events"))]
mod clock;
mod config;
mod error;
#[cfg(feature = "events")]
#[cfg_attr(docsrs, doc(cfg(feature = "events")))]
pub mod events;
// Used by the generated modules' serde impls: unused with no version
// feature enabled.
#[allow(dead_code)]
mod fields;
mod metadata;
mod nullable;
mod observe;
mod order;
mod pages;
// Used by the generated modules; with no version feature enabled, or one
// whose spec lacks some construct, parts of it are unused.
#[allow(dead_code)]
mod request;
mod retry;
mod unknown;
mod upload;

pub use call::{Call, JsonCall, Response, Single};
pub use config::{
    ClientBuilder, Config, ConfigError, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_SIZE,
    install_tls_provider,
};
pub use error::{ApiError, DecodeError, Error, ErrorBody, RequestError};
pub use metadata::Metadata;
pub use nullable::Nullable;
pub use observe::Exchange;
pub use order::Order;
pub use pages::{PageRule, Paged, Pages};
pub use request::path;
pub use retry::RetryPolicy;
pub use unknown::{UnknownJson, UnknownValue};
pub use upload::File;

/// What generated code calls; not part of the public API.
#[allow(unused_imports)]
pub(crate) mod __private {
    pub(crate) use crate::call::Call;
    pub(crate) use crate::error::RequestError;
    pub(crate) use crate::fields;
    pub(crate) use crate::pages::PageRule;
    pub(crate) use crate::request::{Multipart, Request, first_match, path_segment};
}

include!("versions.rs");
