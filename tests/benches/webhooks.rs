//! What receiving a webhook delivery costs, each against a baseline in the
//! same run, samples of the two interleaved:
//!
//! 1. `Verifier::verify` (headers parsed, timestamp checked, HMAC-SHA256
//!    compared in constant time) against `ring::hmac::verify` of the same
//!    bytes with the same key: the floor, the one computation every
//!    verifier must do;
//! 2. `Verifier::verify_event::<Event>` (verified and decoded into the
//!    typed event) against the floor plus `serde_json::from_slice` into an
//!    untyped `Value`: what a hand-rolled receiver does;
//! 3. an axum route taking `Verified<Event>` against the same route taking
//!    the raw `Bytes` (in process, through `tower::ServiceExt::oneshot`):
//!    what the extractor adds per request.
//!
//! The delivery is the `user.updated` example of Clerk's webhooks document
//! (2025-04-15), signed as Svix signs it. One core, one request at a time.
//!
//! `cargo bench -p tests --bench webhooks`

use std::hint::black_box;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clerk_api::events::v2025_04_15::Event;
use clerk_api::events::{Verified, Verifier};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tests::bench::{compare, ratio, us};
use tests::webhook::{SVIX_SECRET, headers, pinned_example};
use tower::ServiceExt;

fn main() {
    let body = serde_json::to_vec(&pinned_example("user.updated")).unwrap();
    let timestamp = tests::jwt::now();
    let signed = headers(SVIX_SECRET, "msg_bench", timestamp, &body);
    let mut header_map = HeaderMap::new();
    for (name, value) in &signed {
        header_map.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    let verifier = Verifier::new(SVIX_SECRET).unwrap();
    assert!(matches!(
        verifier
            .verify_event::<Event>(&header_map, &body)
            .unwrap()
            .event,
        Event::UserUpdated(_)
    ));

    // The floor: the HMAC of `id.timestamp.body`, compared with the
    // signature by ring, with the key and the decoded signature at hand.
    let key = ring::hmac::Key::new(
        ring::hmac::HMAC_SHA256,
        &STANDARD
            .decode(SVIX_SECRET.trim_start_matches("whsec_"))
            .unwrap(),
    );
    let signature = STANDARD
        .decode(signed[2].1.trim_start_matches("v1,"))
        .unwrap();
    let hmac = || {
        let mut message = format!("msg_bench.{timestamp}.").into_bytes();
        message.extend_from_slice(black_box(&body));
        ring::hmac::verify(&key, &message, &signature).unwrap();
    };

    let (floor, verify) = compare(hmac, || {
        black_box(
            verifier
                .verify(black_box(&header_map), black_box(&body))
                .unwrap(),
        );
    });
    let (untyped, typed) = compare(
        || {
            hmac();
            black_box(serde_json::from_slice::<Value>(black_box(&body)).unwrap());
        },
        || {
            black_box(
                verifier
                    .verify_event::<Event>(black_box(&header_map), black_box(&body))
                    .unwrap(),
            );
        },
    );
    println!("delivery: user.updated, {} bytes of JSON\n", body.len());
    println!("| one delivery, one core | µs | per second | vs its baseline |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, ours, base) in [
        (
            "`ring::hmac::verify` of the same bytes (floor)",
            floor,
            floor,
        ),
        ("`Verifier::verify`", verify, floor),
        (
            "floor + `serde_json::from_slice::<Value>` (baseline)",
            untyped,
            untyped,
        ),
        ("`Verifier::verify_event::<Event>`", typed, untyped),
    ] {
        println!(
            "| {name} | {:.2} | {:.0} | {:.2} |",
            us(ours),
            1.0 / ours.as_secs_f64(),
            ratio(ours, base)
        );
    }

    // The extractor's cost per request.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    async fn raw(body: Bytes) -> String {
        body.len().to_string()
    }
    async fn verified(Verified(delivery): Verified<Event>) -> String {
        delivery.id
    }
    let bare = Router::new().route("/webhooks", post(raw));
    let with = Router::new()
        .route("/webhooks", post(verified))
        .with_state(verifier.clone());
    let request = || {
        let mut request = axum::http::Request::post("/webhooks");
        for (name, value) in &signed {
            request = request.header(*name, value);
        }
        request.body(Body::from(body.clone())).unwrap()
    };
    let call = |router: &Router| {
        let response = runtime.block_on(router.clone().oneshot(request())).unwrap();
        assert_eq!(response.status(), 200);
        black_box(response);
    };
    let (without, extracted) = compare(|| call(&bare), || call(&with));
    println!();
    println!("| axum route, in process | µs per request |");
    println!("| --- | ---: |");
    println!("| taking the raw `Bytes` (baseline) | {:.2} |", us(without));
    println!("| taking `Verified<Event>` | {:.2} |", us(extracted));
    println!(
        "| added by the extractor | {:.2} ({:.2}×) |",
        us(extracted.saturating_sub(without)),
        ratio(extracted, without)
    );
}
