//! `jsonwebtoken`'s cryptography, provided by `ring`.
//!
//! `jsonwebtoken` 10 leaves the choice of crypto backend to its user. Its
//! two built-in backends cost us either a large C build (`aws-lc-rs`) or a
//! crate with an open advisory (`rsa`, RUSTSEC-2023-0071, through
//! `rust_crypto`); `ring` is already in the tree through rustls. This
//! provider hands `jsonwebtoken` `ring`'s RSA PKCS#1 v1.5 verification for
//! the three algorithms Clerk signs with, and nothing else: no signing, no
//! HMAC, no other family. The cryptography is `ring`'s; this file only maps
//! an algorithm and a key to it. The README's "Authenticating requests"
//! section has the build-time measurements behind the choice.

use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::jwk::ThumbprintHash;
use jsonwebtoken::signature::{self, Verifier};
use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, EncodingKey};
use ring::signature::{self as ring_sig, RsaParameters};

/// The algorithms Clerk signs session, M2M and OAuth JWTs with, the same
/// allow-list as Clerk's JavaScript SDK (`packages/backend/src/jwt/algorithms.ts`).
pub(crate) const ALGORITHMS: [Algorithm; 3] =
    [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512];

/// The provider [`install`] makes the process default.
static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: no_signing,
    verifier_factory: rsa_verifier,
    jwk_utils: JwkUtils {
        extract_rsa_public_key_components: |_| Err(ErrorKind::InvalidKeyFormat.into()),
        extract_ec_public_key_coordinates: |_, _| Err(ErrorKind::InvalidEcdsaKey.into()),
        compute_digest,
    },
};

/// Makes `ring` `jsonwebtoken`'s process-wide provider, unless a provider
/// is installed already (another part of the program chose one; it is then
/// used, and verifies the same way).
pub(crate) fn install() {
    let _ = PROVIDER.install_default();
}

fn no_signing(_: &Algorithm, _: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    Err(ErrorKind::Signing("clerk-api only verifies tokens".into()).into())
}

fn rsa_verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, Error> {
    let parameters: &'static RsaParameters = match algorithm {
        Algorithm::RS256 => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
        _ => return Err(ErrorKind::InvalidAlgorithm.into()),
    };
    if key.family() != jsonwebtoken::AlgorithmFamily::Rsa {
        return Err(ErrorKind::InvalidKeyFormat.into());
    }
    Ok(Box::new(RsaVerifier {
        algorithm: *algorithm,
        parameters,
        key: key.clone(),
    }))
}

struct RsaVerifier {
    algorithm: Algorithm,
    parameters: &'static RsaParameters,
    key: DecodingKey,
}

impl Verifier<Vec<u8>> for RsaVerifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        let verified = match self.key.kind() {
            // A PEM key, as PKCS#1 `RSAPublicKey` DER.
            DecodingKeyKind::SecretOrDer(der) => {
                ring_sig::UnparsedPublicKey::new(self.parameters, der).verify(message, signature)
            }
            // A JWK's modulus and exponent.
            DecodingKeyKind::RsaModulusExponent { n, e } => {
                ring_sig::RsaPublicKeyComponents { n, e }.verify(
                    self.parameters,
                    message,
                    signature,
                )
            }
        };
        verified.map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for RsaVerifier {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

fn compute_digest(data: &[u8], hash: ThumbprintHash) -> Vec<u8> {
    let algorithm = match hash {
        ThumbprintHash::SHA256 => &ring::digest::SHA256,
        ThumbprintHash::SHA384 => &ring::digest::SHA384,
        ThumbprintHash::SHA512 => &ring::digest::SHA512,
    };
    ring::digest::digest(algorithm, data).as_ref().to_vec()
}
