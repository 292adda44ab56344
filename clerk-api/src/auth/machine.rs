//! Machine tokens: API keys (`ak_…`), M2M tokens (`mt_…`, or JWTs whose
//! subject is a machine, `mch_…`) and OAuth access tokens (`oat_…`, or JWTs
//! of type `at+jwt`), as Clerk's JavaScript SDK tells them apart
//! (`packages/backend/src/tokens/machine.ts`).

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::TokenKind;
use super::error::AuthError;
use super::session::Claims;

pub(crate) const API_KEY_PREFIX: &str = "ak_";
pub(crate) const M2M_TOKEN_PREFIX: &str = "mt_";
pub(crate) const OAUTH_TOKEN_PREFIX: &str = "oat_";
/// The subject of an M2M JWT: a machine.
pub(crate) const MACHINE_SUBJECT_PREFIX: &str = "mch_";
/// `typ` of an OAuth access token JWT (RFC 9068).
pub(crate) const OAUTH_JWT_TYPES: [&str; 2] = ["at+jwt", "application/at+jwt"];

/// The JOSE header `cat` that tells JWT classes signed by one instance key
/// apart (`packages/backend/src/tokens/jwtCategories.ts`): a session token
/// may carry the session category or the "ignore" one, an M2M JWT the M2M
/// one; a token without `cat` predates the categories and is accepted.
pub(crate) const CATEGORY_SESSION: &str = "cl_B7d4PD111AAA";
pub(crate) const CATEGORY_M2M: &str = "cl_B7d4PD333AAA";
pub(crate) const CATEGORY_IGNORE: &str = "cl_I7d4PD111III";

/// The kind of an opaque token, by its prefix.
pub(crate) fn opaque_kind(token: &str) -> Option<TokenKind> {
    if token.starts_with(API_KEY_PREFIX) {
        Some(TokenKind::ApiKey)
    } else if token.starts_with(M2M_TOKEN_PREFIX) {
        Some(TokenKind::M2m)
    } else if token.starts_with(OAUTH_TOKEN_PREFIX) {
        Some(TokenKind::OAuth)
    } else {
        None
    }
}

/// A verified API key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiKey {
    /// `ak_…` is the secret; this is the key's id.
    pub id: String,
    /// Who the key acts for: a user (`user_…`) or an organization (`org_…`).
    pub subject: String,
    pub name: Option<String>,
    pub scopes: Vec<String>,
    /// Custom claims set when the key was made.
    pub claims: Option<Value>,
    /// Seconds since the epoch, when the key expires.
    pub expires_at: Option<i64>,
    /// The Backend API's whole answer.
    pub raw: Value,
}

/// A verified machine-to-machine token.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MachineToken {
    /// `mt_…`: the token's id.
    pub id: String,
    /// The machine that holds the token (`mch_…`).
    pub subject: String,
    /// The machines it may call.
    pub scopes: Vec<String>,
    pub claims: Option<Value>,
    pub expires_at: Option<i64>,
    /// The Backend API's answer, or the JWT's claims.
    pub raw: Value,
}

/// A verified OAuth access token.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OAuthToken {
    pub id: String,
    /// The OAuth application.
    pub client_id: Option<String>,
    /// The user who granted access.
    pub subject: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<i64>,
    /// The Backend API's answer, or the JWT's claims.
    pub raw: Value,
}

/// Seconds (or milliseconds, as the Backend API sends) as whole seconds.
fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<f64>::deserialize(d)?;
    Ok(value.map(|v| {
        // The Backend API's timestamps are milliseconds.
        let seconds = if v > 1.0e11 { v / 1000.0 } else { v };
        seconds as i64
    }))
}

/// The fields of the Backend API's answer for an API key or M2M token.
#[derive(Deserialize)]
struct Verified {
    id: String,
    subject: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    claims: Option<Value>,
    #[serde(default, deserialize_with = "timestamp")]
    expiration: Option<i64>,
    #[serde(default)]
    revoked: bool,
    #[serde(default)]
    expired: bool,
    #[serde(default)]
    client_id: Option<String>,
}

fn verified(kind: TokenKind, raw: &Value) -> Result<Verified, AuthError> {
    // OAuth verification answers `{"active": false}` for a token it does
    // not know.
    if raw.get("active") == Some(&Value::Bool(false)) {
        return Err(rejected(kind));
    }
    let fields: Verified =
        serde_json::from_value(raw.clone()).map_err(|e| AuthError::BackendUnavailable {
            kind,
            reason: format!("unexpected answer: {e}"),
        })?;
    // Belt and braces: a token the API calls revoked or expired is refused
    // even if it answered 200.
    if fields.revoked || fields.expired {
        return Err(rejected(kind));
    }
    Ok(fields)
}

fn rejected(kind: TokenKind) -> AuthError {
    AuthError::MachineTokenRejected {
        kind,
        status: None,
        code: None,
    }
}

pub(crate) fn api_key(raw: Value) -> Result<ApiKey, AuthError> {
    let v = verified(TokenKind::ApiKey, &raw)?;
    Ok(ApiKey {
        id: v.id,
        subject: v.subject,
        name: v.name,
        scopes: v.scopes.unwrap_or_default(),
        claims: v.claims,
        expires_at: v.expiration,
        raw,
    })
}

pub(crate) fn m2m_token(raw: Value) -> Result<MachineToken, AuthError> {
    let v = verified(TokenKind::M2m, &raw)?;
    Ok(MachineToken {
        id: v.id,
        subject: v.subject,
        scopes: v.scopes.unwrap_or_default(),
        claims: v.claims,
        expires_at: v.expiration,
        raw,
    })
}

pub(crate) fn oauth_token(raw: Value) -> Result<OAuthToken, AuthError> {
    let v = verified(TokenKind::OAuth, &raw)?;
    Ok(OAuthToken {
        id: v.id,
        client_id: v.client_id,
        subject: v.subject,
        scopes: v.scopes.unwrap_or_default(),
        expires_at: v.expiration,
        raw,
    })
}

/// Claims of an M2M JWT that are not custom claims.
const M2M_REGISTERED: [&str; 9] = [
    "sub", "aud", "exp", "iat", "nbf", "jti", "iss", "scopes", "azp",
];

/// An M2M token from the verified claims of an M2M JWT (`sub` the machine,
/// `aud` the machines it may call, `jti` the `mt_` id), as Clerk's
/// `M2MToken.fromJwtPayload` reads them.
pub(crate) fn m2m_from_jwt(claims: Map<String, Value>) -> Result<MachineToken, AuthError> {
    let read = Claims(&claims);
    let scopes = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let custom: Map<String, Value> = claims
        .iter()
        .filter(|(k, _)| !M2M_REGISTERED.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(MachineToken {
        id: read.required_string("jti")?.to_string(),
        subject: read.required_string("sub")?.to_string(),
        scopes,
        claims: (!custom.is_empty()).then_some(Value::Object(custom)),
        expires_at: read.seconds("exp")?,
        raw: Value::Object(claims),
    })
}

/// An OAuth access token from the verified claims of an RFC 9068 JWT.
pub(crate) fn oauth_from_jwt(claims: Map<String, Value>) -> Result<OAuthToken, AuthError> {
    let read = Claims(&claims);
    let scopes = read
        .string("scope")?
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(OAuthToken {
        id: read.required_string("jti")?.to_string(),
        client_id: read.string("client_id")?.map(str::to_owned),
        subject: read.required_string("sub")?.to_string(),
        scopes,
        expires_at: read.seconds("exp")?,
        raw: Value::Object(claims),
    })
}
