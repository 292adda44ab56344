//! The keys tokens are verified with: a PEM key given by the caller (no
//! network, ever), or the instance's JSON Web Key Set fetched through the
//! Backend API and cached.
//!
//! The cache belongs to one [`Verifier`](super::Verifier), so keys of one
//! instance can never verify another's tokens, whatever their `kid`. It is
//! refreshed when its TTL has passed and when a token names a `kid` it does
//! not hold, with three bounds:
//! - single flight: while one fetch runs, the requests that need it wait
//!   for it instead of fetching too (a thousand requests, one fetch);
//! - a minimum interval between fetches (10 s by default), so that tokens
//!   with made-up `kid`s cannot turn into a stream of JWKS requests, while a
//!   real rotation is picked up within that interval;
//! - the last good keys keep working when a fetch fails.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;

use super::backend::Backend;
use super::error::{AuthError, shown};

/// One verification key and the algorithm its JWK pins, if any.
#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) decoding: Arc<DecodingKey>,
    pub(crate) algorithm: Option<Algorithm>,
}

/// Where keys come from.
pub(crate) enum KeySource {
    /// A PEM public key: every token is checked against it, whatever its
    /// `kid`, as Clerk's SDKs do with `jwtKey`.
    Pem(Key),
    Jwks(Box<JwksCache>),
}

impl KeySource {
    pub(crate) async fn key(&self, kid: Option<&str>) -> Result<Key, AuthError> {
        match self {
            KeySource::Pem(key) => Ok(key.clone()),
            KeySource::Jwks(cache) => {
                let kid = kid.ok_or_else(|| AuthError::malformed("the header has no `kid`"))?;
                cache.key(kid).await
            }
        }
    }
}

/// How the cache behaves; see the builder's methods.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CachePolicy {
    pub(crate) ttl: Duration,
    pub(crate) min_refetch_interval: Duration,
    pub(crate) fetch_timeout: Duration,
}

/// The keys of one fetch.
#[derive(Default)]
struct KeySet {
    keys: HashMap<String, Key>,
    fetched_at: Option<Instant>,
    /// Counts successful fetches, so that a request that waited for a
    /// fetch knows one happened while it waited.
    generation: u64,
}

pub(crate) struct JwksCache {
    backend: Backend,
    policy: CachePolicy,
    current: RwLock<Arc<KeySet>>,
    /// Held by the one request that fetches; `Some(when)` the last attempt.
    fetching: tokio::sync::Mutex<Option<Instant>>,
}

impl JwksCache {
    pub(crate) fn new(backend: Backend, policy: CachePolicy) -> Self {
        JwksCache {
            backend,
            policy,
            current: RwLock::new(Arc::default()),
            fetching: tokio::sync::Mutex::new(None),
        }
    }

    fn current(&self) -> Arc<KeySet> {
        // A poisoned lock still holds a whole value: a writer only swaps
        // the Arc.
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    async fn key(&self, kid: &str) -> Result<Key, AuthError> {
        let set = self.current();
        let fresh = set
            .fetched_at
            .is_some_and(|at| at.elapsed() < self.policy.ttl);
        match set.keys.get(kid) {
            Some(key) if fresh => return Ok(key.clone()),
            Some(key) => {
                // Stale: one request refreshes; the others, and this one if
                // the refresh fails, keep using the key they have.
                if let Ok(mut last_attempt) = self.fetching.try_lock()
                    && self.current().generation == set.generation
                    && self.may_fetch(*last_attempt)
                {
                    *last_attempt = Some(Instant::now());
                    if let Ok(new) = self.fetch(set.generation).await {
                        return new.keys.get(kid).cloned().ok_or_else(|| unknown(kid));
                    }
                }
                return Ok(key.clone());
            }
            None => {}
        }
        // Unknown: wait for the one fetch, or make it.
        let mut last_attempt = self.fetching.lock().await;
        let now_current = self.current();
        if now_current.generation != set.generation {
            // Fetched while this request waited.
            return now_current
                .keys
                .get(kid)
                .cloned()
                .ok_or_else(|| unknown(kid));
        }
        if !self.may_fetch(*last_attempt) {
            return Err(if now_current.fetched_at.is_some() {
                unknown(kid)
            } else {
                AuthError::KeysUnavailable {
                    reason: format!(
                        "the last fetch failed less than {:?} ago",
                        self.policy.min_refetch_interval
                    ),
                }
            });
        }
        *last_attempt = Some(Instant::now());
        let new = self.fetch(set.generation).await?;
        new.keys.get(kid).cloned().ok_or_else(|| unknown(kid))
    }

    fn may_fetch(&self, last_attempt: Option<Instant>) -> bool {
        last_attempt.is_none_or(|at| at.elapsed() >= self.policy.min_refetch_interval)
    }

    /// Fetches the keys (the caller holds `fetching`) and makes them
    /// current.
    async fn fetch(&self, generation: u64) -> Result<Arc<KeySet>, AuthError> {
        let jwks = tokio::time::timeout(self.policy.fetch_timeout, self.backend.jwks())
            .await
            .map_err(|_| AuthError::KeysUnavailable {
                reason: format!("no JSON Web Key Set within {:?}", self.policy.fetch_timeout),
            })??;
        let keys = usable_keys(jwks);
        if keys.is_empty() {
            return Err(AuthError::KeysUnavailable {
                reason: "the JSON Web Key Set has no RSA signing key".into(),
            });
        }
        let set = Arc::new(KeySet {
            keys,
            fetched_at: Some(Instant::now()),
            generation: generation + 1,
        });
        match self.current.write() {
            Ok(mut guard) => *guard = set.clone(),
            Err(poisoned) => *poisoned.into_inner() = set.clone(),
        }
        Ok(set)
    }
}

fn unknown(kid: &str) -> AuthError {
    AuthError::UnknownKey { kid: shown(kid) }
}

/// A JSON Web Key Set as Clerk's `GET /jwks` returns it.
#[derive(Debug, Deserialize)]
pub(crate) struct Jwks {
    #[serde(default)]
    keys: Vec<serde_json::Value>,
}

/// The fields of a JWK this verifier uses.
#[derive(Deserialize)]
struct RsaJwk {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    usage: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

/// The RSA signing keys of a set, by `kid`. A key of another type, for
/// another use, with an algorithm outside the allow-list or without a `kid`
/// is left out rather than failing the set.
fn usable_keys(jwks: Jwks) -> HashMap<String, Key> {
    let mut keys = HashMap::new();
    for value in jwks.keys {
        let Ok(jwk) = serde_json::from_value::<RsaJwk>(value) else {
            continue;
        };
        if jwk.kty != "RSA" || jwk.usage.as_deref().is_some_and(|u| u != "sig") {
            continue;
        }
        let algorithm = match jwk.alg.as_deref() {
            None => None,
            Some(name) => match super::provider::ALGORITHMS
                .into_iter()
                .find(|a| format!("{a:?}") == name)
            {
                Some(a) => Some(a),
                None => continue,
            },
        };
        let (Some(kid), Some(n), Some(e)) = (jwk.kid, jwk.n, jwk.e) else {
            continue;
        };
        if let Ok(decoding) = DecodingKey::from_rsa_components(&n, &e) {
            keys.insert(
                kid,
                Key {
                    decoding: Arc::new(decoding),
                    algorithm,
                },
            );
        }
    }
    keys
}

/// A PEM public key as Clerk's dashboard shows it (`-----BEGIN PUBLIC
/// KEY-----`), also with its line breaks written as `\n` (as environment
/// files often hold it) or as the bare base64 body.
pub(crate) fn pem_key(pem: &str) -> Result<Key, String> {
    let text = pem.trim().replace("\\n", "\n");
    let text = if text.contains("-----BEGIN") {
        text
    } else {
        let body: String = text.split_whitespace().collect();
        format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
    };
    let decoding = DecodingKey::from_rsa_pem(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(Key {
        decoding: Arc::new(decoding),
        algorithm: None,
    })
}
