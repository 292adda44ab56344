//! Secrets under stress: the library's faults, hostile input and panics,
//! with everything they show captured (errors' `Display` and `Debug`, the
//! observe hook's log lines, panic messages, the load binary's output),
//! then searched for the secret key and the webhook signing secret. The
//! `clerk` binary has the same test for its output (`cli/tests/cli.rs`,
//! `no_secret_in_any_output_of_a_failing_command`).

use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_api::RetryPolicy;
use clerk_api::v2026_05_12 as clerk;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::json;
use tests::{Reply, TestServer};

const KEY: &str = "sk_test_STRESSKEY0123456789abcdef";
/// `whsec_` and the base64 of the signing key.
const WEBHOOK_SECRET: &str = "whsec_U1RSRVNTV0VCSE9PSzAxMjM0NTY3ODlhYmNkZWY=";

/// Clerk's answer to a wrong key.
const UNAUTHORIZED: &str = r#"{"errors":[{"code":"authentication_invalid","message":"no"}]}"#;

/// Every form of a secret that would give it away: whole, without its
/// prefix, and the start of each (the malformed secrets below are cut
/// short, and an error that echoed one would show only part of it).
fn forms() -> Vec<&'static str> {
    vec![
        KEY,
        "STRESSKEY0123456789abcdef",
        "STRESSKEY01234",
        WEBHOOK_SECRET,
        "U1RSRVNTV0VCSE9PSzAxMjM0NTY3ODlhYmNkZWY",
        "U1RSRVNTV0VCSE9P",
        "STRESSWEBHOOK0123456789abcdef",
        "STRESSWEBHOOK",
    ]
}

fn client(url: &str, log: &Arc<Mutex<String>>) -> clerk::Client {
    let log = log.clone();
    clerk::Client::builder()
        .secret_key(KEY)
        .base_url(url)
        .timeout(Duration::from_secs(1))
        .max_response_size(16 * 1024)
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            initial_interval: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .observe(move |exchange| {
            let _ = writeln!(log.lock().unwrap(), "{exchange:?}");
        })
        .build()
        .unwrap()
}

fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
    pairs
        .iter()
        .map(|(name, value)| {
            (
                HeaderName::from_static(name),
                HeaderValue::from_str(value).unwrap(),
            )
        })
        .collect()
}

/// What a caller that unwraps an error sees: the panic message (captured
/// by the hook) is the error's `Debug`.
fn unwrap_panics<E: std::fmt::Debug>(result: Result<(), E>) {
    let caught = std::panic::catch_unwind(AssertUnwindSafe(move || result.unwrap()));
    assert!(caught.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_anything_shown_under_faults_hostile_input_and_panics() {
    let captured = Arc::new(Mutex::new(String::new()));
    let panics = Arc::new(Mutex::new(String::new()));
    {
        let panics = panics.clone();
        std::panic::set_hook(Box::new(move |info| {
            let _ = writeln!(panics.lock().unwrap(), "{info}");
        }));
    }
    let mut shown = String::new();

    // The client against every fault of a server.
    let user = serde_json::to_vec(&tests::fixtures::user("user_1")).unwrap();
    let replies = vec![
        Reply::Body(vec![b' '; 64 * 1024]),
        Reply::Chunked(vec![b'x'; 64 * 1024]),
        Reply::Cut {
            declared: user.len() as u64,
            body: user[..user.len() / 2].to_vec(),
        },
        Reply::Body(b"{\"id\": \"user_1\", ".to_vec()),
        Reply::Html("<html>502 Bad Gateway</html>".into()),
        Reply::Status(503),
        Reply::Raw(
            b"HTTP/1.1 429 Too Many\r\nRetry-After: 864000\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
        Reply::Raw(
            format!(
                "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{UNAUTHORIZED}",
                UNAUTHORIZED.len()
            )
            .into_bytes(),
        ),
        Reply::Raw(b"garbage, not HTTP at all\r\n\r\n".to_vec()),
        Reply::Stall(Duration::from_secs(3)),
        Reply::Trickle {
            every: Duration::from_millis(100),
        },
    ];
    for reply in replies {
        let server = TestServer::start(move |_, _| reply.clone());
        let client = client(&server.url(), &captured);
        let _ = writeln!(shown, "{client:?}");
        let err = client.users().get("user_1").await.unwrap_err();
        let _ = writeln!(shown, "{err}\n{err:?}");
        if let clerk_api::Error::Api(api) = &err {
            let _ = writeln!(shown, "{:?} {}", api.body_json(), api.body_excerpt());
        }
        // A caller that unwraps: the panic message is the error's Debug.
        unwrap_panics(Err(err));
    }
    let refused = tests::refused_url();
    for url in [refused.as_str(), "http://clerk-secrets.invalid"] {
        let err = client(url, &captured)
            .users()
            .get("user_1")
            .await
            .unwrap_err();
        let _ = writeln!(shown, "{err}\n{err:?}");
    }
    // A key in the wrong place, unwrapped.
    for wrong in [
        KEY.replace("sk_", "pk_"),
        format!(" {KEY}\n"),
        KEY.replace("sk_test_", "sk_"),
    ] {
        let result = std::panic::catch_unwind(|| {
            clerk::Client::builder()
                .secret_key(wrong.clone())
                .build()
                .unwrap()
        });
        if let Ok(client) = result {
            let _ = writeln!(shown, "{client:?}");
        }
    }

    // The token verifier, with hostile tokens and a JWKS that is garbage.
    let jwks = TestServer::start(|path, _| match path {
        "/jwks" => Reply::Body(b"{\"keys\": [{\"kty\": \"RSA\", \"n\": 1}]}".to_vec()),
        _ => Reply::Status(500),
    });
    let verifier = clerk_api::auth::Verifier::builder()
        .backend(&client(&jwks.url(), &captured))
        .build()
        .unwrap();
    let _ = writeln!(shown, "{verifier:?}");
    let forged = tests::jwt::keys().a.session(json!({}));
    for token in [
        forged.as_str(),
        "",
        "a.b.c",
        KEY,
        "eyJhbGciOiJub25lIn0.e30.",
        "ak_opaque_machine_key",
    ] {
        if let Err(err) = verifier.verify_session(token).await {
            let _ = writeln!(shown, "{err}\n{err:?}");
        }
        if let Err(err) = verifier.authenticate(token).await {
            let _ = writeln!(shown, "{err}\n{err:?}");
        }
    }

    // The webhook verifier: forged, stale, oversized and headless
    // deliveries, and secrets that are not secrets.
    let webhooks = clerk_api::events::Verifier::new(WEBHOOK_SECRET)
        .unwrap()
        .max_body(1024);
    let _ = writeln!(shown, "{webhooks:?}");
    let body = br#"{"type":"user.created","data":{},"object":"event"}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let deliveries = [
        (
            tests::webhook::headers(other, "msg_1", now, body),
            body.to_vec(),
        ),
        (
            tests::webhook::headers(WEBHOOK_SECRET, "msg_1", now - 3600, body),
            body.to_vec(),
        ),
        (
            tests::webhook::headers(WEBHOOK_SECRET, "msg_1", now, body),
            vec![b'{'; 4096],
        ),
        (Vec::new(), body.to_vec()),
    ];
    for (pairs, body) in deliveries {
        match webhooks.verify(&headers(&pairs), &body) {
            Ok(signed) => panic!("accepted: {signed:?}"),
            Err(err) => {
                let _ = writeln!(shown, "{err}\n{err:?}");
            }
        }
    }
    for secret in [
        &WEBHOOK_SECRET[..WEBHOOK_SECRET.len() - 3],
        &WEBHOOK_SECRET["whsec_".len()..],
        "whsec_STRESSWEBHOOK0123456789abcdef!!",
    ] {
        match clerk_api::events::Verifier::new(secret) {
            Ok(verifier) => {
                let _ = writeln!(shown, "{verifier:?}");
            }
            Err(err) => {
                let _ = writeln!(shown, "{err}\n{err:?}");
                unwrap_panics(Err(err));
            }
        }
    }

    let _ = std::panic::take_hook();
    let log = captured.lock().unwrap().clone();
    let panics = panics.lock().unwrap().clone();
    // What was captured is there: the search below is not over nothing.
    assert!(shown.contains("HTTP 401 authentication_invalid"), "{shown}");
    assert!(shown.contains("ResponseTooLarge"), "{shown}");
    assert!(log.contains("GetUser"), "{log}");
    assert!(panics.matches("panicked").count() >= 10, "{panics}");
    for (what, text) in [("shown", &shown), ("log", &log), ("panics", &panics)] {
        for secret in forms() {
            assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
        }
    }
}
