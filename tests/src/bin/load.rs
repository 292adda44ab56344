//! Load scenarios, each run as a process of its own so that its memory
//! figures are its own: `tests/tests/load.rs` runs them and checks what
//! they print (one JSON object on stdout).
//!
//! - `load requests <total> <in_flight>`: one client sends `total`
//!   `users().get` calls, `in_flight` at a time, to a keep-alive loopback
//!   server that counts the connections it accepts;
//! - `load walk <items>`: `organizations().list(…).stream()` over a
//!   loopback server that makes `items` organizations up, page by page;
//! - `load verify <concurrent>`: `concurrent` session tokens signed by a
//!   key the verifier has not seen, verified at once (one JWKS fetch
//!   expected), then again with the key cached; latency percentiles.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clerk_api::v2026_05_12::{self as clerk, organizations, types};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "sk_test_load_secret_never_shown";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| args.get(i).and_then(|n| n.parse::<usize>().ok());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let report = match (args.first().map(String::as_str), number(1), number(2)) {
        (Some("requests"), Some(total), Some(in_flight)) => {
            runtime.block_on(requests(total, in_flight))
        }
        (Some("walk"), Some(items), None) => runtime.block_on(walk(items)),
        (Some("verify"), Some(concurrent), None) => runtime.block_on(verify(concurrent)),
        _ => {
            eprintln!(
                "usage: load requests <total> <in_flight> | walk <items> | verify <concurrent>"
            );
            return std::process::ExitCode::from(2);
        }
    };
    println!("{report}");
    std::process::ExitCode::SUCCESS
}

/// `VmRSS` and `VmHWM` (peak) of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 for bodiless requests: each
/// request's path and query go to `answer`, which gives the body and how
/// long to wait before sending it. Counts accepted connections.
async fn serve(
    answer: impl Fn(&str) -> (Vec<u8>, Duration) + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let answer = Arc::new(answer);
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::with_capacity(8192);
                let mut chunk = [0u8; 8192];
                loop {
                    let Ok(n) = socket.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                        buffer.drain(..end + 4);
                        let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                        let (body, delay) = answer(&target);
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        let mut response = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        response.extend_from_slice(&body);
                        if socket.write_all(&response).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, accepted)
}

fn client(url: &str) -> clerk::Client {
    clerk::Client::builder()
        .secret_key(KEY)
        .base_url(url)
        .build()
        .expect("a client")
}

async fn requests(total: usize, in_flight: usize) -> Value {
    let user = serde_json::to_vec(&tests::fixtures::user("user_1")).expect("JSON");
    let (url, accepted) = serve(move |_| (user.clone(), Duration::ZERO)).await;
    let client = client(&url);
    let started = Instant::now();
    let mut ok = 0usize;
    let mut errors = Vec::new();
    let mut rss_after_tenth = 0;
    let mut calls = futures_util::stream::iter(0..total)
        .map(|_| client.users().get("user_1"))
        .buffer_unordered(in_flight);
    while let Some(result) = calls.next().await {
        match result {
            Ok(user) if user.id == "user_1" => ok += 1,
            Ok(user) => errors.push(format!("another user: {}", user.id)),
            Err(e) => errors.push(e.to_string()),
        }
        if ok + errors.len() == total / 10 {
            rss_after_tenth = memory_kib().0;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let (rss_end, peak) = memory_kib();
    errors.truncate(5);
    json!({
        "total": total, "in_flight": in_flight, "ok": ok, "errors": errors,
        "accepted_connections": accepted.load(Ordering::SeqCst),
        "seconds": seconds, "requests_per_second": total as f64 / seconds,
        "rss_after_tenth_kib": rss_after_tenth, "rss_end_kib": rss_end, "peak_rss_kib": peak,
    })
}

/// Organizations made up on the fly: the page at `offset` of `limit`.
fn organizations_page(target: &str, total: usize) -> Vec<u8> {
    let query = |name: &str| {
        target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default()
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse::<usize>().ok())
    };
    let limit = query("limit").unwrap_or(10);
    let offset = query("offset").unwrap_or(0);
    let data: Vec<Value> = (offset..total.min(offset + limit))
        .map(|i| {
            json!({
                "object": "organization", "id": format!("org_{i:08}"), "name": format!("Org {i}"),
                "slug": format!("org-{i}"), "has_image": false, "max_allowed_memberships": 5,
                "admin_delete_enabled": true, "public_metadata": {}, "created_at": i,
                "updated_at": i
            })
        })
        .collect();
    serde_json::to_vec(&json!({"data": data, "total_count": total})).expect("JSON")
}

async fn walk(items: usize) -> Value {
    let pages = Arc::new(AtomicUsize::new(0));
    let counted = pages.clone();
    let (url, _) = serve(move |target| {
        counted.fetch_add(1, Ordering::SeqCst);
        (organizations_page(target, items), Duration::ZERO)
    })
    .await;
    let client = client(&url);
    let started = Instant::now();
    let mut stream = client
        .organizations()
        .list(&organizations::ListParams::default().limit(500))
        .stream();
    let mut seen = 0usize;
    let mut in_order = true;
    while let Some(organization) = stream.try_next().await.expect("every page decodes") {
        let organization: types::Organization = organization;
        in_order &= organization.id == format!("org_{seen:08}");
        seen += 1;
    }
    let (rss_end, peak) = memory_kib();
    json!({
        "items": seen, "in_order": in_order, "pages": pages.load(Ordering::SeqCst),
        "seconds": started.elapsed().as_secs_f64(), "rss_end_kib": rss_end, "peak_rss_kib": peak,
    })
}

async fn verify(concurrent: usize) -> Value {
    use clerk_api::auth::Verifier;
    let keys = tests::jwt::keys();
    let jwks = serde_json::to_vec(&json!({"keys": [keys.a.jwk()]})).expect("JSON");
    let fetches = Arc::new(AtomicUsize::new(0));
    let counted = fetches.clone();
    let (url, _) = serve(move |target| {
        let mut delay = Duration::ZERO;
        if target.starts_with("/jwks") {
            counted.fetch_add(1, Ordering::SeqCst);
            // A slow answer, so that every request arrives during the fetch.
            delay = Duration::from_millis(200);
        }
        (jwks.clone(), delay)
    })
    .await;
    let verifier = Verifier::builder()
        .backend(&client(&url))
        .build()
        .expect("a verifier");
    let tokens: Vec<String> = (0..concurrent)
        .map(|i| keys.a.session(json!({"sub": format!("user_{i}")})))
        .collect();
    let round = |tokens: Vec<String>| {
        let verifier = verifier.clone();
        async move {
            let tasks: Vec<_> = tokens
                .into_iter()
                .map(|token| {
                    let verifier = verifier.clone();
                    tokio::spawn(async move {
                        let started = Instant::now();
                        let ok = verifier.verify_session(&token).await.is_ok();
                        (ok, started.elapsed())
                    })
                })
                .collect();
            let mut latencies = Vec::new();
            let mut ok = 0;
            for task in tasks {
                let (verified, took) = task.await.expect("a verification task");
                ok += usize::from(verified);
                latencies.push(took);
            }
            latencies.sort();
            let percentile =
                |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
            json!({
                "verified": ok,
                "p50_us": percentile(50).as_micros() as u64,
                "p99_us": percentile(99).as_micros() as u64,
                "max_us": latencies.last().map(|d| d.as_micros() as u64),
            })
        }
    };
    let cold = round(tokens.clone()).await;
    let warm = round(tokens).await;
    json!({
        "concurrent": concurrent, "jwks_fetches": fetches.load(Ordering::SeqCst),
        "cold": cold, "warm": warm,
    })
}
