//! Deliveries signed as Clerk (through Svix) signs them, for the tests of
//! webhook receivers: the HMAC-SHA256 of `id.timestamp.body`, keyed with
//! the base64 part of a `whsec_` secret.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Svix's published test vector: secret, id, timestamp, body, signature.
pub const SVIX_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const SVIX_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
pub const SVIX_TIMESTAMP: i64 = 1_614_265_330;
pub const SVIX_BODY: &str = r#"{"test": 2432232314}"#;
pub const SVIX_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/// `v1,<base64 HMAC>` of a delivery.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("a base64 secret");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let mut message = format!("{id}.{timestamp}.").into_bytes();
    message.extend_from_slice(body);
    let tag = ring::hmac::sign(&key, &message);
    format!("v1,{}", STANDARD.encode(tag.as_ref()))
}

/// The three headers of a delivery, as `(name, value)` pairs.
pub fn headers(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Vec<(&'static str, String)> {
    vec![
        ("svix-id", id.to_string()),
        ("svix-timestamp", timestamp.to_string()),
        ("svix-signature", sign(secret, id, timestamp, body)),
    ]
}

/// Every example of the webhooks document, by event type, inline or
/// through `examples.default.$ref`.
pub fn examples(document: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    document["x-webhooks"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, item)| {
            let content = &item["post"]["requestBody"]["content"]["application/json"];
            let example = match content.get("example") {
                Some(inline) => inline.clone(),
                None => {
                    let reference = content["examples"]["default"]["$ref"].as_str().unwrap();
                    let key = reference.trim_start_matches("#/components/examples/");
                    document["components"]["examples"][key]["value"].clone()
                }
            };
            (name.clone(), example)
        })
        .collect()
}

/// The example of `event` in the pinned webhooks document (2025-04-15).
pub fn pinned_example(event: &str) -> serde_json::Value {
    let (_, text) = crate::pinned_spec_of(xtask::lock::Kind::Webhooks, "2025-04-15");
    let document =
        codegen::load::parse("webhooks.yml", &text).expect("the pinned webhooks document parses");
    examples(&document)
        .into_iter()
        .find(|(name, _)| name == event)
        .unwrap_or_else(|| panic!("no example of {event} in the webhooks document"))
        .1
}
