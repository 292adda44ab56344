//! The `axum_auth` example run as a process, as anyone would run it
//! against their own tokens: with a PEM key (no network), and with a
//! secret key whose JWKS comes from a mock Backend API; its routes called
//! over loopback and its log lines read from stderr.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tests::example::Example;
use tests::jwt::keys;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn check_routes(example: &Example) {
    assert_eq!(example.get("/health", None).await, (200, "ok".to_string()));
    assert_eq!(example.get("/me", None).await.0, 401);
    let member = keys()
        .a
        .session(json!({"org_id": "org_1", "org_role": "org:member"}));
    let (status, body) = example.get("/me", Some(&member)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"user_id": "user_2abc", "session_id": "sess_2abc", "org_id": "org_1"})
    );
    assert_eq!(example.get("/admin", Some(&member)).await.0, 403);
    let admin = keys()
        .a
        .session(json!({"v": 2, "o": {"id": "org_1", "rol": "admin"}}));
    assert_eq!(example.get("/admin", Some(&admin)).await.0, 200);
    let other_site = keys().a.session(json!({"azp": "https://evil.example.com"}));
    assert_eq!(example.get("/me", Some(&other_site)).await.0, 401);

    // One line per request, and never a token (the lines arrive through a
    // pipe: wait for them).
    let started = Instant::now();
    while example
        .log()
        .iter()
        .filter(|l| l.starts_with("GET "))
        .count()
        < 6
        && started.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = example.log();
    let requests: Vec<&String> = log.iter().filter(|l| l.starts_with("GET ")).collect();
    assert_eq!(requests.len(), 6, "{log:?}");
    assert!(requests[0].starts_with("GET /health 200 "), "{log:?}");
    assert!(requests[1].starts_with("GET /me 401 "), "{log:?}");
    for token in [&member, &admin, &other_site] {
        assert!(log.iter().all(|l| !l.contains(&token[..20])), "{log:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_pem_key_and_no_network() {
    let example = Example::start(
        "axum_auth",
        &[
            ("CLERK_JWT_KEY", keys().a.pem()),
            (
                "CLERK_AUTHORIZED_PARTIES",
                "https://app.example.com, http://localhost:5173".into(),
            ),
        ],
    );
    check_routes(&example).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_secret_key_and_the_backend_apis_jwks() {
    let backend = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [keys().a.jwk()]})))
        .expect(1)
        .mount(&backend)
        .await;
    let example = Example::start(
        "axum_auth",
        &[
            ("CLERK_SECRET_KEY", "sk_test_example_secret".into()),
            ("CLERK_API_URL", backend.uri()),
            ("CLERK_AUTHORIZED_PARTIES", "https://app.example.com".into()),
        ],
    );
    check_routes(&example).await;
    assert!(
        example
            .log()
            .iter()
            .all(|l| !l.contains("sk_test_example_secret"))
    );
}
