//! The Backend API operations the verifier calls, as each generated
//! version module declares them (`x-clerk-auth` in the spec, through
//! `specs/overlays/bapi.yaml`), sent through the client's one request path:
//! the secret key, the version header, retries and error decoding.

use std::fmt;

use serde::de::DeserializeOwned;

use super::TokenKind;
use super::error::AuthError;
use super::keys::Jwks;
use crate::request::Request;

/// One operation of a version, as data: what [`Backend`] sends.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    /// The operationId, for errors and the `observe` hook.
    pub operation: &'static str,
    /// The JSON body field that carries the token to verify.
    pub token_field: Option<&'static str>,
}

/// The operations of a version that play a part in verification; `None`
/// where the version has none (2025-03-12 has no API keys).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Operations {
    pub jwks: Option<Endpoint>,
    pub api_key: Option<Endpoint>,
    pub m2m_token: Option<Endpoint>,
    pub oauth_token: Option<Endpoint>,
    /// The error code of an error body, read as the version's error type
    /// declares it.
    pub error_code: fn(&serde_json::Value) -> Option<String>,
}

/// A Backend API client as the verifier uses it: made from a version
/// module's client (`Backend::from(&client)`, or just `&client` where a
/// builder takes `impl Into<Backend>`), so that the verifier calls that
/// version's operations with that client's key, base URL and retries.
#[derive(Clone)]
pub struct Backend {
    config: crate::Config,
    version: &'static str,
    operations: Operations,
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backend")
            .field("config", &self.config)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Backend {
    /// Used by the generated `From<&Client>` of each version module.
    #[doc(hidden)]
    pub fn new(config: crate::Config, version: &'static str, operations: Operations) -> Self {
        Backend {
            config,
            version,
            operations,
        }
    }

    /// The API version whose operations are called.
    pub fn version(&self) -> &'static str {
        self.version
    }

    pub(crate) fn can_verify(&self, kind: TokenKind) -> bool {
        self.endpoint(kind).is_some()
    }

    fn endpoint(&self, kind: TokenKind) -> Option<Endpoint> {
        match kind {
            TokenKind::Session => self.operations.jwks,
            TokenKind::ApiKey => self.operations.api_key,
            TokenKind::M2m => self.operations.m2m_token,
            TokenKind::OAuth => self.operations.oauth_token,
        }
    }

    /// The instance's JSON Web Key Set.
    pub(crate) async fn jwks(&self) -> Result<Jwks, AuthError> {
        let unavailable = |reason: String| AuthError::KeysUnavailable { reason };
        let endpoint = self.operations.jwks.ok_or_else(|| {
            unavailable(format!(
                "API version {} has no JSON Web Key Set operation",
                self.version
            ))
        })?;
        self.send::<Jwks>(endpoint, None).await.map_err(|e| {
            unavailable(match e {
                crate::Error::Api(api) => {
                    format!("{} answered HTTP {}", endpoint.operation, api.status)
                }
                other => other.to_string(),
            })
        })
    }

    /// Asks the Backend API about an opaque machine token; its answer, as
    /// JSON, when it says the token is valid.
    pub(crate) async fn verify<T: DeserializeOwned + Send + 'static>(
        &self,
        kind: TokenKind,
        token: &str,
    ) -> Result<T, AuthError> {
        let endpoint = self
            .endpoint(kind)
            .ok_or_else(|| AuthError::BackendUnavailable {
                kind,
                reason: format!("API version {} cannot verify them", self.version),
            })?;
        match self.send::<T>(endpoint, Some(token)).await {
            Ok(value) => Ok(value),
            // 4XX: the token is unknown, revoked or expired (Clerk answers
            // 404 or 401 with an error code).
            Err(crate::Error::Api(api)) if (400..500).contains(&api.status) => {
                Err(AuthError::MachineTokenRejected {
                    kind,
                    status: Some(api.status),
                    code: api.body.as_ref().and_then(self.operations.error_code),
                })
            }
            Err(crate::Error::Decode(e)) => Err(AuthError::BackendUnavailable {
                kind,
                reason: format!(
                    "{}: unexpected answer at `{}`: {}",
                    e.operation, e.path, e.message
                ),
            }),
            Err(other) => Err(AuthError::BackendUnavailable {
                kind,
                reason: other.to_string(),
            }),
        }
    }

    async fn send<T: DeserializeOwned + Send + 'static>(
        &self,
        endpoint: Endpoint,
        token: Option<&str>,
    ) -> Result<T, crate::Error<serde_json::Value>> {
        let method = reqwest::Method::from_bytes(endpoint.method.as_bytes())
            .unwrap_or(reqwest::Method::POST);
        let mut request = Request::new(method, endpoint.path.to_string(), endpoint.operation);
        if let (Some(field), Some(token)) = (endpoint.token_field, token) {
            let mut body = serde_json::Map::new();
            body.insert(
                field.to_string(),
                serde_json::Value::String(token.to_string()),
            );
            request.json(&body);
        }
        crate::Call::<T, serde_json::Value>::new(&self.config, self.version, request).await
    }
}
