//! The client against a misbehaving server on 127.0.0.1: each fault ends
//! with the documented error, within a bounded time, without a panic, and
//! without the secret key in anything shown.

use std::time::{Duration, Instant};

use clerk_api::RetryPolicy;
use clerk_api::v2026_05_12 as clerk;
use tests::{Reply, TestServer};

const KEY: &str = "sk_test_faults_secret_value";

fn client(url: &str) -> clerk::Client {
    clerk::Client::builder()
        .secret_key(KEY)
        .base_url(url)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(2))
        .max_response_size(64 * 1024)
        .build()
        .unwrap()
}

/// Runs a call, checks it ends within `within`, and that neither the
/// error's `Display` nor its `Debug` shows the key.
async fn fails_within(call: clerk::users::Users<'_>, within: Duration) -> clerk::Error {
    let started = Instant::now();
    let err = call.get("user_1").await.unwrap_err();
    assert!(
        started.elapsed() < within,
        "took {:?}: {err}",
        started.elapsed()
    );
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains(KEY) && !shown.contains("faults_secret"),
        "{shown}"
    );
    err
}

fn user_json() -> Vec<u8> {
    serde_json::to_vec(&tests::fixtures::user("user_1")).unwrap()
}

#[tokio::test]
async fn a_body_larger_than_the_limit_is_an_error_of_its_own() {
    let big = vec![b' '; 200 * 1024];
    // Declared by Content-Length: refused before reading it.
    let server = TestServer::start(move |_, _| Reply::Body(big.clone()));
    let client = client(&server.url());
    let err = fails_within(client.users(), Duration::from_secs(2)).await;
    assert!(
        matches!(
            err,
            clerk_api::Error::ResponseTooLarge {
                limit: 65536,
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("max_response_size"), "{err}");

    // Chunked, without a length: reading stops at the limit.
    let big = vec![b' '; 200 * 1024];
    let server = TestServer::start(move |_, _| Reply::Chunked(big.clone()));
    let client = self::client(&server.url());
    let err = fails_within(client.users(), Duration::from_secs(2)).await;
    assert!(
        matches!(err, clerk_api::Error::ResponseTooLarge { .. }),
        "{err:?}"
    );
    // Under the limit, chunked is fine.
    let server = TestServer::start(|_, _| Reply::Chunked(user_json()));
    let user = self::client(&server.url())
        .users()
        .get("user_1")
        .await
        .unwrap();
    assert_eq!(user.id, "user_1");
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error() {
    let server = TestServer::start(|_, _| Reply::Cut {
        declared: 10_000,
        body: br#"{"id": "user_1", "obj"#.to_vec(),
    });
    let err = fails_within(client(&server.url()).users(), Duration::from_secs(3)).await;
    assert!(matches!(err, clerk_api::Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn truncated_and_invalid_json_keep_the_whole_body() {
    for body in [&br#"{"id": "user_1", "obj"#[..], b"<html>not json</html>"] {
        let owned = body.to_vec();
        let server = TestServer::start(move |_, _| Reply::Body(owned.clone()));
        let err = fails_within(client(&server.url()).users(), Duration::from_secs(2)).await;
        let clerk_api::Error::Decode(decode) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(&decode.raw_body[..], body, "every byte the server sent");
        assert!(decode.body_json().is_none());
    }
}

/// A success whose body does not fit the type (the request may have
/// changed data): the whole answer is kept, as bytes and as JSON.
#[tokio::test]
async fn an_undecodable_success_keeps_the_answer_as_json() {
    let server = TestServer::start(|_, _| {
        Reply::Body(br#"{"id": "user_1", "object": "user", "created_at": "yesterday"}"#.to_vec())
    });
    let err = fails_within(client(&server.url()).users(), Duration::from_secs(2)).await;
    let clerk_api::Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.body_json().unwrap()["id"], "user_1");
    assert_eq!(decode.path, "created_at");
}

#[tokio::test]
async fn headers_slower_than_the_timeout_end_at_the_timeout() {
    let server = TestServer::start(|_, _| Reply::Stall(Duration::from_secs(10)));
    let err = fails_within(client(&server.url()).users(), Duration::from_secs(4)).await;
    assert!(
        matches!(&err, clerk_api::Error::Transport(e) if e.is_timeout()),
        "{err:?}"
    );
}

#[tokio::test]
async fn headers_trickled_slower_than_the_timeout_end_at_the_timeout() {
    // A byte every 100 ms: each arrives well within any read timeout, the
    // whole never does; the call's 2 s timeout covers the whole exchange.
    let server = TestServer::start(|_, _| Reply::Trickle {
        every: Duration::from_millis(100),
    });
    let started = Instant::now();
    let err = fails_within(client(&server.url()).users(), Duration::from_secs(4)).await;
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&err, clerk_api::Error::Transport(e) if e.is_timeout()),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_storm_of_503s_ends_after_the_policy_attempts() {
    let server = TestServer::start(|_, _| Reply::Status(503));
    let client = clerk::Client::builder()
        .secret_key(KEY)
        .base_url(server.url())
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            initial_interval: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let err = fails_within(client.users(), Duration::from_secs(5)).await;
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable());
    assert_eq!(server.hits("/users/user_1"), 3);
}

#[tokio::test]
async fn a_refused_connection_and_an_unresolvable_host() {
    let err = fails_within(
        client(&tests::refused_url()).users(),
        Duration::from_secs(3),
    )
    .await;
    assert!(
        matches!(&err, clerk_api::Error::Transport(e) if e.is_connect()),
        "{err:?}"
    );
    let err = fails_within(
        client("http://clerk-faults.invalid").users(),
        Duration::from_secs(5),
    )
    .await;
    assert!(matches!(err, clerk_api::Error::Transport(_)), "{err:?}");
}

fn too_many_requests(retry_after: &str) -> Reply {
    Reply::Raw(
        format!(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: {retry_after}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
        .into_bytes(),
    )
}

fn retrying_client(url: &str) -> clerk::Client {
    clerk::Client::builder()
        .secret_key(KEY)
        .base_url(url)
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_429_asking_for_days_is_returned_at_once_with_its_wait() {
    let server = TestServer::start(|_, _| too_many_requests("864000"));
    // More than the policy's longest wait (60 s): not waited out, not
    // retried, and the caller can read how long the server asked for.
    let err = fails_within(
        retrying_client(&server.url()).users(),
        Duration::from_secs(2),
    )
    .await;
    assert!(err.is_rate_limited(), "{err:?}");
    let clerk_api::Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.retry_after, Some(Duration::from_secs(864_000)));
    assert_eq!(server.hits("/users/user_1"), 1);
}

#[tokio::test]
async fn a_429_with_a_date_in_the_past_is_retried_at_once() {
    let user = user_json();
    let server = TestServer::start(move |_, n| match n {
        1 => too_many_requests("Sun, 06 Nov 1994 08:49:37 GMT"),
        _ => Reply::Body(user.clone()),
    });
    let started = Instant::now();
    let user = retrying_client(&server.url())
        .users()
        .get("user_1")
        .await
        .unwrap();
    assert_eq!(user.id, "user_1");
    assert_eq!(server.hits("/users/user_1"), 2);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}
