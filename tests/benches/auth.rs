//! What verifying a session token costs, each against a baseline in the
//! same run, samples of the two interleaved:
//!
//! 1. `Verifier::verify_session` with a cached key (JWKS mode, and PEM
//!    mode) against `jsonwebtoken::decode` called directly on the same
//!    token with the same key: the floor, since the library does the
//!    signature check every verifier needs;
//! 2. an axum route behind `ClerkLayer` against the same route without it
//!    (in process, through `tower::ServiceExt::oneshot`): what the layer
//!    adds per request;
//! 3. JWKS requests, counted on the server: one to warm up, none after.
//!
//! One core: a current-thread runtime, one request at a time.
//!
//! `cargo bench -p tests --bench auth`

use std::hint::black_box;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use clerk_api::auth::{ClerkLayer, Session, Verifier};
use clerk_api::v2026_05_12 as clerk;
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::{Map, Value, json};
use tests::bench::{PER_SAMPLE, SAMPLES, compare, compare_batches, ratio, us};
use tests::jwt::keys;
use tests::{Reply, TestServer};
use tower::ServiceExt;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let jwks = json!({"keys": [keys().a.jwk()]}).to_string().into_bytes();
    let server = TestServer::start(move |_, _| Reply::Body(jwks.clone()));
    let client = clerk::Client::builder()
        .secret_key("sk_test_bench")
        .base_url(server.url())
        .build()
        .unwrap();
    let jwks_verifier = Verifier::builder()
        .backend(&client)
        .authorized_parties(["https://app.example.com"])
        .build()
        .unwrap();
    let pem_verifier = Verifier::builder()
        .jwt_key(keys().a.pem())
        .authorized_parties(["https://app.example.com"])
        .build()
        .unwrap();
    // A v2 token with an organization, features and plans, as a signed-in
    // member of an organization sends it; valid for the whole run.
    let token = keys().a.session(json!({
        "v": 2, "exp": tests::jwt::now() + 3600, "sts": "active", "fea": "o:dashboard,u:beta",
        "pla": "u:pro", "fva": [1, -1],
        "o": {"id": "org_2abc", "rol": "admin", "slg": "acme", "per": "read,manage", "fpm": "3"}
    }));

    runtime
        .block_on(jwks_verifier.verify_session(&token))
        .unwrap();
    let warm_up = server.hits("/jwks");

    // 1. The floor: the JWT library alone, same token, same key.
    let jwk = keys().a.jwk();
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let validation = Validation::new(jsonwebtoken::Algorithm::RS256);
    let floor = || {
        black_box(
            jsonwebtoken::decode::<Map<String, Value>>(black_box(&token), &key, &validation)
                .unwrap(),
        );
    };
    // Each sample runs inside one `block_on`, as a server's requests run
    // inside its runtime: what is measured is the verification, not the
    // entry into the runtime.
    let batch = |verifier: &Verifier| {
        runtime.block_on(async {
            for _ in 0..PER_SAMPLE {
                black_box(verifier.verify_session(black_box(&token)).await.unwrap());
            }
        })
    };
    let floor_batch = || {
        runtime.block_on(async {
            for _ in 0..PER_SAMPLE {
                floor();
            }
        })
    };
    let (base, cached) = compare_batches(floor_batch, || batch(&jwks_verifier));
    let (base_pem, pem) = compare_batches(floor_batch, || batch(&pem_verifier));
    println!("| verification, one core | µs | per second | vs jsonwebtoken::decode |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, base, ours) in [
        ("`jsonwebtoken::decode` (floor), JWKS run", base, base),
        ("`verify_session`, JWKS key cached", base, cached),
        (
            "`jsonwebtoken::decode` (floor), PEM run",
            base_pem,
            base_pem,
        ),
        ("`verify_session`, PEM key", base_pem, pem),
    ] {
        println!(
            "| {name} | {:.1} | {:.0} | {:.2} |",
            us(ours),
            1.0 / ours.as_secs_f64(),
            ratio(ours, base)
        );
    }

    // 2. The layer's cost per request.
    async fn handler(session: Option<Session>) -> String {
        session.map(|s| s.user_id).unwrap_or_default()
    }
    async fn open() -> &'static str {
        "user_2abc"
    }
    let without = Router::new().route("/me", get(open));
    let with = Router::new()
        .route("/me", get(handler))
        .route_layer(ClerkLayer::new(jwks_verifier.clone()));
    let request = || {
        axum::http::Request::get("/me")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let call = |router: &Router| {
        let response = runtime.block_on(router.clone().oneshot(request())).unwrap();
        assert_eq!(response.status(), 200);
        black_box(response);
    };
    let (bare, layered) = compare(|| call(&without), || call(&with));
    println!();
    println!("| axum route, in process | µs per request |");
    println!("| --- | ---: |");
    println!("| without the layer (baseline) | {:.1} |", us(bare));
    println!("| behind `ClerkLayer` | {:.1} |", us(layered));
    println!(
        "| added by the layer | {:.1} |",
        us(layered.saturating_sub(bare))
    );
    println!(
        "| added, against `verify_session` alone | {:.1} |",
        us(layered.saturating_sub(bare)) - us(cached)
    );

    // 3. JWKS requests.
    let hot = server.hits("/jwks") - warm_up;
    // The JWKS verifier ran in part 1 and behind the layer in part 2.
    let verifications = 2 * (SAMPLES * PER_SAMPLE + 1);
    println!();
    println!(
        "JWKS requests: {warm_up} to warm up, {hot} during {verifications} verifications after it"
    );
    assert_eq!(hot, 0, "the hot path fetched keys");
}
