//! Response decoding of arbitrary bytes into the newest version's types
//! and the webhook events: an error, never a panic.
#![no_main]

use clerk_api::events::v2025_04_15::Event;
use clerk_api::v2026_05_12::types;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<types::User>(data);
    let _ = serde_json::from_slice::<Vec<types::User>>(data);
    let _ = serde_json::from_slice::<types::Organization>(data);
    let _ = serde_json::from_slice::<types::ClerkErrors>(data);
    let _ = serde_json::from_slice::<types::EmailAddress>(data);
    let _ = serde_json::from_slice::<Event>(data);
});
