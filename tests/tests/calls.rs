//! Calls are values: per-call options (timeout, retry policy, headers),
//! the response beside the value, calls collected into `join_all`, and
//! errors that say what Clerk said, against wiremock on 127.0.0.1. Each
//! test is written the way a newcomer would write the code.

use std::time::{Duration, Instant};

use clerk_api::RetryPolicy;
use clerk_api::v2026_05_12::{self as clerk, types};
use serde_json::{Value, json};
use tests::fixtures::{clerk_error, user};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> clerk::Client {
    clerk::Client::builder()
        .secret_key("sk_test_calls")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_timeout_for_one_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/user_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(user("user_1"))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let started = Instant::now();
    let err = client
        .users()
        .get("user_1")
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(matches!(err, clerk_api::Error::Transport(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_policy_for_one_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/user_1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/user_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("user_1")))
        .mount(&server)
        .await;
    // The client retries nothing; this one call does.
    let client = client(&server);
    let user = client
        .users()
        .get("user_1")
        .retry_policy(RetryPolicy::default())
        .await
        .unwrap();
    assert_eq!(user.id, "user_1");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    // And without the call's policy, the client's: no retry.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client.users().get("user_1").await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_header_for_one_call_and_the_response_beside_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/user_1"))
        .and(header("idempotency-key", "req-42"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(user("user_1"))
                .insert_header("x-ratelimit-remaining", "99")
                .insert_header("x-clerk-trace-id", "trace_ok"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .users()
        .get("user_1")
        .header("Idempotency-Key", "req-42")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("x-ratelimit-remaining"), Some("99"));
    assert_eq!(response.header("x-clerk-trace-id"), Some("trace_ok"));
    assert_eq!(response.id, "user_1"); // the value, through Deref
    let user: types::User = response.into_value();
    assert_eq!(user.id, "user_1");
}

#[tokio::test]
async fn calls_collect_into_join_all() {
    let server = MockServer::start().await;
    for id in ["user_1", "user_2", "user_3"] {
        Mock::given(method("GET"))
            .and(path(format!("/users/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(user(id)))
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let ids = ["user_1", "user_2", "user_3"];
    let users = futures_util::future::join_all(ids.iter().map(|id| client.users().get(id))).await;
    let got: Vec<String> = users.into_iter().map(|u| u.unwrap().id).collect();
    assert_eq!(got, ids);
}

#[tokio::test]
async fn an_error_says_its_code_message_and_trace_id_in_one_line() {
    let server = MockServer::start().await;
    let mut body = clerk_error("resource_not_found", "not found");
    body["errors"][0]["long_message"] = json!("User not found");
    body["clerk_trace_id"] = json!("trace_404");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(body))
        .mount(&server)
        .await;
    let err: clerk::Error = client(&server).users().get("user_x").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("resource_not_found"));
    assert_eq!(err.message(), Some("User not found"));
    assert_eq!(err.trace_id(), Some("trace_404"));
    assert_eq!(
        err.to_string(),
        "GetUser: HTTP 404 resource_not_found: User not found (trace id trace_404)"
    );
}

#[tokio::test]
async fn a_required_body_is_taken_by_reference_with_setters_for_the_rest() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/organizations"))
        .and(wiremock::matchers::body_json(json!({
            "name": "Acme Corp", "created_by": "user_1", "max_allowed_memberships": 5
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(tests::fixtures::organization("org_1")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/organizations/org_1"))
        .and(wiremock::matchers::body_json(json!({"slug": null})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(tests::fixtures::organization("org_1")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let body = types::CreateOrganizationBody::new("Acme Corp")
        .created_by("user_1")
        .max_allowed_memberships(5);
    let org = client.organizations().create(&body).await.unwrap();
    assert_eq!(org.id, "org_1");
    // `None` sends `null`, which clears the field.
    let clear = types::UpdateOrganizationBody::default().slug(None::<String>);
    client
        .organizations()
        .update("org_1", &clear)
        .await
        .unwrap();
}

/// A user's primary contacts, found by their ids.
#[test]
fn primary_contacts_are_found_by_id() {
    let mut value = user("user_1");
    value["primary_email_address_id"] = json!("idn_2");
    value["email_addresses"] = json!([
        email("idn_1", "old@example.com"),
        email("idn_2", "ada@example.com")
    ]);
    let user: types::User = serde_json::from_value(value).unwrap();
    assert_eq!(
        user.primary_email_address()
            .map(|e| e.email_address.as_str()),
        Some("ada@example.com")
    );
    assert!(user.primary_phone_number().is_none());
}

fn email(id: &str, address: &str) -> Value {
    json!({
        "id": id, "object": "email_address", "email_address": address, "reserved": false,
        "verification": null, "linked_to": [], "created_at": 1, "updated_at": 1
    })
}
