//! RSA keys made by the tests, and JWTs signed with them the way Clerk
//! signs session and machine tokens, including ones no honest issuer would
//! make (another algorithm, a forged signature). Keys are generated once
//! per test binary.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};

/// A signing key and its `kid`.
pub struct TestKey {
    pub kid: String,
    private: RsaPrivateKey,
}

impl TestKey {
    /// A new 2048-bit key.
    pub fn generate(kid: &str) -> TestKey {
        let mut rng = rsa::rand_core::OsRng;
        TestKey {
            kid: kid.to_string(),
            private: RsaPrivateKey::new(&mut rng, 2048).expect("RSA key generation"),
        }
    }

    pub fn public(&self) -> RsaPublicKey {
        self.private.to_public_key()
    }

    /// The public key as Clerk's dashboard shows it (SPKI PEM).
    pub fn pem(&self) -> String {
        self.public()
            .to_public_key_pem(LineEnding::LF)
            .expect("PEM encoding")
    }

    /// The public key as a JWK, as Clerk's `GET /jwks` lists it.
    pub fn jwk(&self) -> Value {
        let public = self.public();
        json!({
            "use": "sig",
            "kty": "RSA",
            "kid": self.kid,
            "alg": "RS256",
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        })
    }

    /// `header.payload.signature`, RS256-signed.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let message = unsigned(header, claims);
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(self.private.clone());
        let signature = signer.sign(message.as_bytes()).to_vec();
        format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// A session token with Clerk's default header and `claims` over the
    /// defaults of [`session_claims`].
    pub fn session(&self, claims: Value) -> String {
        self.sign(&self.header(), &merge(session_claims(), claims))
    }

    pub fn header(&self) -> Value {
        json!({"alg": "RS256", "typ": "JWT", "kid": self.kid})
    }
}

/// Three keys for the tests of a binary: `a` and `b` of two instances (with
/// the same `kid`), and `rotated`, a later key of instance A.
pub struct Keys {
    pub a: TestKey,
    pub b: TestKey,
    pub rotated: TestKey,
}

pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        a: TestKey::generate("ins_key_1"),
        b: TestKey::generate("ins_key_1"),
        rotated: TestKey::generate("ins_key_2"),
    })
}

/// `base64url(header).base64url(claims)`.
pub fn unsigned(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

/// A v1 session token's claims, issued a second ago for a minute, for the
/// authorized party `https://app.example.com`.
pub fn session_claims() -> Value {
    let now = now();
    json!({
        "azp": "https://app.example.com",
        "exp": now + 60,
        "iat": now - 1,
        "iss": "https://clerk.example.com",
        "nbf": now - 6,
        "sid": "sess_2abc",
        "sub": "user_2abc",
    })
}

/// `base` with the fields of `over` set (a `null` removes the field).
pub fn merge(mut base: Value, over: Value) -> Value {
    if let (Some(base), Some(over)) = (base.as_object_mut(), over.as_object()) {
        for (k, v) in over {
            if v.is_null() {
                base.remove(k);
            } else {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    base
}
