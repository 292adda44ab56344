//! Retries of the generated client against wiremock on 127.0.0.1: 429s
//! after `Retry-After`, 5XX for idempotent methods only, the bounds, and
//! retries turned off.

use std::time::{Duration, Instant};

use clerk_api::RetryPolicy;
use clerk_api::v2026_05_12::{self as clerk, types};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Short waits, no jitter: the tests count attempts, not seconds.
fn quick() -> RetryPolicy {
    RetryPolicy {
        initial_interval: Duration::from_millis(10),
        jitter: false,
        ..RetryPolicy::default()
    }
}

fn client(server: &MockServer, policy: RetryPolicy) -> clerk::Client {
    clerk::Client::builder()
        .secret_key("sk_test_retries")
        .base_url(server.uri())
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn count() -> types::TotalCount {
    serde_json::from_value(json!({"object": "total_count", "total_count": 3})).unwrap()
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_429_is_retried_after_the_retry_after_it_names() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(count()))
        .mount(&server)
        .await;

    let started = Instant::now();
    let total = client(&server, quick())
        .users()
        .count(&Default::default())
        .await
        .unwrap();
    let waited = started.elapsed();

    assert_eq!(total.total_count, 3);
    assert_eq!(requests(&server).await, 2);
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
}

#[tokio::test]
async fn a_429_is_retried_for_a_post_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/users/user_1/ban"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client(&server, quick())
        .users()
        .ban("user_1")
        .await
        .unwrap_err();
    // The 429 was retried; the 503 that followed was not (POST).
    assert_eq!(err.status(), Some(503));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_get_is_retried_through_503s() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(count()))
        .mount(&server)
        .await;
    client(&server, quick())
        .users()
        .count(&Default::default())
        .await
        .unwrap();
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn a_post_is_not_retried_on_503_unless_asked() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client(&server, quick())
        .users()
        .ban("user_1")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable());
    assert_eq!(requests(&server).await, 1);

    let opted_in = RetryPolicy {
        retry_non_idempotent: true,
        ..quick()
    };
    client(&server, opted_in)
        .users()
        .ban("user_1")
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await, 1 + 4, "four attempts in all");
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let policy = RetryPolicy {
        max_attempts: 3,
        ..quick()
    };
    let err = client(&server, policy)
        .users()
        .count(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn elapsed_time_is_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    // Waits of 100, 200, 400 ms…: with 250 ms allowed, the second retry
    // would end past the bound and is not made.
    let policy = RetryPolicy {
        max_attempts: 10,
        initial_interval: Duration::from_millis(100),
        exponent: 2.0,
        max_elapsed: Duration::from_millis(250),
        jitter: false,
        ..RetryPolicy::default()
    };
    let started = Instant::now();
    client(&server, policy)
        .users()
        .count(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await, 2);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let err = client(&server, RetryPolicy::none())
        .users()
        .count(&Default::default())
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.api().unwrap().retry_after, Some(Duration::ZERO));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_a_get() {
    let client = clerk::Client::builder()
        .secret_key("sk_test_retries")
        .base_url(tests::refused_url())
        .retry_policy(RetryPolicy {
            initial_interval: Duration::from_millis(50),
            jitter: false,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.users().count(&Default::default()).await.unwrap_err();
    assert!(matches!(err, clerk_api::Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    // Three waits: 50 + 75 + 112.5 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(237),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_observe_hook_sees_every_attempt_by_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_2")
                .set_body_json(count()),
        )
        .mount(&server)
        .await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let client = clerk::Client::builder()
        .secret_key("sk_test_observed_key")
        .base_url(server.uri())
        .retry_policy(quick())
        .observe({
            let seen = seen.clone();
            move |exchange| {
                let (status, request_id) = match exchange.response {
                    Some((status, headers)) => (
                        Some(status),
                        headers
                            .get("x-request-id")
                            .map(|v| v.to_str().unwrap().to_string()),
                    ),
                    None => (None, None),
                };
                seen.lock().unwrap().push(format!(
                    "{} {} {} {} #{} {status:?} {request_id:?} {:?}",
                    exchange.operation,
                    exchange.version,
                    exchange.method,
                    exchange.path,
                    exchange.attempt,
                    exchange
                ));
            }
        })
        .build()
        .unwrap();
    client.users().count(&Default::default()).await.unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen[0].starts_with("GetUsersCount 2026-05-12 GET /users/count #1 Some(503) None"),
        "{}",
        seen[0]
    );
    assert!(
        seen[1]
            .starts_with("GetUsersCount 2026-05-12 GET /users/count #2 Some(200) Some(\"req_2\")"),
        "{}",
        seen[1]
    );
    assert!(seen.iter().all(|s| !s.contains("observed_key")), "{seen:?}");
}
