//! The runtime's costs, each against a baseline in the same run:
//!
//! 1. decoding a 500-user `GET /users` page into the generated types
//!    against decoding the same bytes into `serde_json::Value`;
//! 2. one `users().get` call through the client against the same request
//!    made with bare `reqwest` (same `reqwest::Client`, same loopback
//!    server, same decoding), to show what the client adds per request.
//!
//! `cargo bench -p clerk-api --features v2026-05-12 --bench runtime`

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clerk_api::v2026_05_12::{self as clerk, types};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Samples per measurement; the median is reported.
const SAMPLES: usize = 21;
const USERS_PER_PAGE: usize = 500;
const REQUESTS_PER_SAMPLE: usize = 500;
const KEY: &str = "sk_test_benchmark_key";
/// The client's `User-Agent`, sent by the baseline too.
const USER_AGENT: &str = concat!("clerk-api-rust/", env!("CARGO_PKG_VERSION"));

fn main() {
    decoding();
    per_request_overhead();
}

/// The median of `SAMPLES` runs of `f`; `f` runs once first to warm up.
fn median(mut f: impl FnMut()) -> Duration {
    f();
    let mut samples: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[SAMPLES / 2]
}

/// A user as Clerk sends it: two email addresses (one verified by a code,
/// one through Google), a phone number, a Google account, metadata.
fn user(i: usize) -> Value {
    let created = 1_731_000_000_000_i64 + i as i64 * 60_000;
    let otp = json!({
        "object": "verification_otp", "status": "verified", "strategy": "email_code",
        "attempts": 1, "expire_at": created + 600_000
    });
    let oauth = json!({
        "object": "verification_oauth", "status": "verified", "strategy": "oauth_google",
        "external_verification_redirect_url": null, "error": null, "expire_at": created + 600_000,
        "attempts": null
    });
    let email = |n: usize, verification: &Value| {
        json!({
            "id": format!("idn_{i}_{n}"), "object": "email_address",
            "email_address": format!("user{i}.{n}@example.com"), "reserved": false,
            "verification": verification, "linked_to": [], "matches_sso_connection": false,
            "created_at": created, "updated_at": created
        })
    };
    let phone = json!({
        "id": format!("idn_p{i}"), "object": "phone_number", "phone_number": "+15555550100",
        "reserved_for_second_factor": false, "default_second_factor": false, "reserved": false,
        "verification": otp, "linked_to": [], "backup_codes": null,
        "created_at": created, "updated_at": created
    });
    let google = json!({
        "object": "google_account", "id": format!("eac_{i}"), "provider": "oauth_google",
        "identification_id": format!("idn_{i}_1"), "provider_user_id": format!("1{i:020}"),
        "approved_scopes": "email profile openid", "email_address": format!("user{i}.1@example.com"),
        "first_name": "Ada", "last_name": "Lovelace", "image_url": "", "username": null,
        "phone_number": null, "public_metadata": {}, "label": null,
        "created_at": created, "updated_at": created, "verification": oauth
    });
    json!({
        "id": format!("user_{i:024}"), "object": "user", "external_id": null,
        "primary_email_address_id": format!("idn_{i}_0"), "primary_phone_number_id": format!("idn_p{i}"),
        "primary_web3_wallet_id": null, "username": format!("user{i}"),
        "first_name": "Ada", "last_name": "Lovelace",
        "image_url": "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9", "has_image": true,
        "public_metadata": {"plan": "pro", "seats": i % 7, "onboarded": true},
        "private_metadata": {"stripe": {"customer": format!("cus_{i}")}},
        "unsafe_metadata": {}, "email_addresses": [email(0, &otp), email(1, &oauth)],
        "phone_numbers": [phone],
        "web3_wallets": [], "passkeys": [], "password_enabled": true, "two_factor_enabled": false,
        "totp_enabled": false, "backup_code_enabled": false, "mfa_enabled_at": null,
        "mfa_disabled_at": null,
        "external_accounts": [google],
        "saml_accounts": [], "enterprise_accounts": [], "last_sign_in_at": created + 3_600_000,
        "banned": false, "locked": false, "lockout_expires_in_seconds": null,
        "verification_attempts_remaining": 100, "created_at": created, "updated_at": created,
        "delete_self_enabled": true, "create_organization_enabled": true,
        "last_active_at": created + 3_600_000, "legal_accepted_at": null
    })
}

fn decoding() {
    let page: Vec<Value> = (0..USERS_PER_PAGE).map(user).collect();
    let bytes = serde_json::to_vec(&page).unwrap();
    // The page must decode, or the comparison is meaningless.
    let users: Vec<types::User> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(users.len(), USERS_PER_PAGE);
    assert_eq!(users[3].phone_numbers.len(), 1);

    let value = median(|| {
        black_box(serde_json::from_slice::<Value>(black_box(&bytes)).unwrap());
    });
    let typed = median(|| {
        black_box(serde_json::from_slice::<Vec<types::User>>(black_box(&bytes)).unwrap());
    });
    // What the client does only after a failure, to name the JSON path.
    let with_path = median(|| {
        let mut de = serde_json::Deserializer::from_slice(black_box(&bytes));
        black_box(serde_path_to_error::deserialize::<_, Vec<types::User>>(&mut de).unwrap());
    });
    println!(
        "Decoding a {USERS_PER_PAGE}-user GET /users page ({} KB), median of {SAMPLES}:\n",
        bytes.len() / 1024
    );
    println!("| into | ms | vs `Value` |");
    println!("| --- | ---: | ---: |");
    for (name, d) in [
        ("`serde_json::Value` (baseline)", value),
        ("`Vec<types::User>`", typed),
        (
            "`Vec<types::User>`, tracking the JSON path (the client, after a failure)",
            with_path,
        ),
    ] {
        println!(
            "| {name} | {:.2} | {:.2} |",
            d.as_secs_f64() * 1000.0,
            d.as_secs_f64() / value.as_secs_f64()
        );
    }
    println!();
}

/// A loopback HTTP/1.1 server that answers every request with `body`,
/// keeping connections open; as little work as possible on its side.
async fn serve(body: Vec<u8>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let response: &'static [u8] = response.leak();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                let mut filled = 0;
                loop {
                    let Ok(n) = socket.read(&mut buffer[filled..]).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    filled += n;
                    // GET requests have no body: the head ends the request.
                    while let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n")
                    {
                        if socket.write_all(response).await.is_err() {
                            return;
                        }
                        buffer.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                    }
                }
            });
        }
    });
    addr
}

fn per_request_overhead() {
    // One thread runs the caller, hyper's connection and the server, so a
    // sample measures the work done per request. On two worker threads the
    // same code's figures swung between 1.03x and 1.7x from run to run
    // with where the scheduler placed the three tasks on the two cores.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = serde_json::to_vec(&user(1)).unwrap();
    let addr = runtime.block_on(serve(body));
    let base = format!("http://{addr}");
    clerk_api::install_tls_provider();
    let http = reqwest::Client::new();
    let client = clerk::Client::builder()
        .secret_key(KEY)
        .base_url(&base)
        .http_client(http.clone())
        .build()
        .unwrap();
    let url = format!("{base}/users/user_1");

    // Both answer the same, or the comparison is meaningless.
    runtime.block_on(async {
        assert_eq!(
            bare_get(&http, &url).await,
            client.users().get("user_1").await.unwrap()
        )
    });

    // Each sample runs as a task, as a server's request handler would,
    // and the two alternate so that drift (CPU frequency,
    // other load) hits both.
    let mut bare_samples = Vec::new();
    let mut ours_samples = Vec::new();
    for _ in 0..SAMPLES {
        let (http, url) = (http.clone(), url.clone());
        bare_samples.push(time_once(|| {
            runtime
                .block_on(runtime.spawn(async move {
                    for _ in 0..REQUESTS_PER_SAMPLE {
                        black_box(bare_get(&http, &url).await);
                    }
                }))
                .unwrap()
        }));
        let client = client.clone();
        ours_samples.push(time_once(|| {
            runtime
                .block_on(runtime.spawn(async move {
                    for _ in 0..REQUESTS_PER_SAMPLE {
                        black_box(client.users().get("user_1").await.unwrap());
                    }
                }))
                .unwrap()
        }));
    }
    bare_samples.sort();
    ours_samples.sort();
    let per_request = |d: Duration| d.as_secs_f64() * 1e6 / REQUESTS_PER_SAMPLE as f64;
    let bare = per_request(bare_samples[SAMPLES / 2]);
    let ours = per_request(ours_samples[SAMPLES / 2]);
    println!(
        "One GET /users/{{id}} on loopback (current-thread runtime, keep-alive, {REQUESTS_PER_SAMPLE} sequential requests per sample, median of {SAMPLES} samples):\n"
    );
    println!("| call | µs per request | vs bare reqwest |");
    println!("| --- | ---: | ---: |");
    println!(
        "| bare `reqwest`: same headers, bytes decoded into `types::User` (baseline) | {bare:.1} | 1.00 |"
    );
    println!(
        "| `client.users().get(id)` | {ours:.1} | {:.2} |",
        ours / bare
    );
}

/// The baseline: the same request with bare `reqwest`, decoded the same way.
async fn bare_get(http: &reqwest::Client, url: &str) -> types::User {
    let response = http
        .get(url)
        .bearer_auth(KEY)
        .header("user-agent", USER_AGENT)
        .header("Clerk-API-Version", "2026-05-12")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice::<types::User>(&bytes).unwrap()
}

/// Times one run of `f`.
fn time_once(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}
