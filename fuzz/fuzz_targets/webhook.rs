//! The webhook verifier on arbitrary headers and bodies: a rejection,
//! never a panic, never an acceptance without a valid signature. Input:
//! `svix-id`, `svix-timestamp`, `svix-signature` and the body, separated
//! by NUL bytes.
#![no_main]

use clerk_api::events::Verifier;
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |b| *b == 0);
    let (Some(id), Some(timestamp), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let body = parts.next().unwrap_or_default();
    let mut headers = http::HeaderMap::new();
    for (name, value) in [
        ("svix-id", id),
        ("svix-timestamp", timestamp),
        ("svix-signature", signature),
    ] {
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            headers.insert(name, value);
        }
    }
    let verifier = Verifier::new(SECRET).expect("a valid secret");
    // Without the secret, no input can carry a valid signature.
    assert!(verifier.verify(&headers, body).is_err());
});
