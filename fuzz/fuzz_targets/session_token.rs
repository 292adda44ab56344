//! The session-token verifier on arbitrary tokens: a rejection, never a
//! panic, never an acceptance (the key's private half is nowhere).
#![no_main]

use std::sync::OnceLock;

use clerk_api::auth::Verifier;
use libfuzzer_sys::fuzz_target;

fn verifier() -> &'static (Verifier, tokio::runtime::Runtime) {
    static VERIFIER: OnceLock<(Verifier, tokio::runtime::Runtime)> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let verifier = Verifier::builder()
            .jwt_key(include_str!("public_key.pem"))
            .authorized_parties(["https://app.example.com"])
            .build()
            .expect("a valid PEM key");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        (verifier, runtime)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let (verifier, runtime) = verifier();
    assert!(runtime.block_on(verifier.verify_session(token)).is_err());
});
