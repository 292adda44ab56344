//! The examples of `clerk-api`, run as a user runs them: a process with
//! `CLERK_SECRET_KEY` and `CLERK_API_URL` set, against a mock server on
//! 127.0.0.1. Checks what they send and what they print.

use std::process::Output;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;
use tests::fixtures::{clerk_error, organization, organization_invitation, user};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_examples_key";

/// Runs example `name` with `args` against `server`.
async fn run(name: &str, server: &MockServer, args: &[&str]) -> Output {
    let binary = tests::example_binaries()
        .remove(name)
        .unwrap_or_else(|| panic!("no example {name}"));
    let mut command = std::process::Command::new(binary);
    command
        .args(args)
        .env("CLERK_SECRET_KEY", KEY)
        .env("CLERK_API_URL", server.uri());
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn auth() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {KEY}").as_str())
}

#[tokio::test(flavor = "multi_thread")]
async fn list_recent_users_asks_for_the_last_seven_days() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(auth())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([user("user_1"), user("user_2")])),
        )
        .expect(1) // a short page: no second request
        .mount(&server)
        .await;

    let output = run("list_recent_users", &server, &[]).await;
    assert!(
        stdout(&output).ends_with("2 users created in the last 7 days\n"),
        "{}",
        stdout(&output)
    );
    let request = &server.received_requests().await.unwrap()[0];
    let after: i64 = request
        .url
        .query_pairs()
        .find(|(k, _)| k == "created_at_after")
        .unwrap()
        .1
        .parse()
        .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let seven_days = 7 * 24 * 60 * 60 * 1000;
    assert!((now - after - seven_days).abs() < 60_000, "{after}");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_organization_invites_an_admin() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/organizations"))
        .and(body_json(
            json!({"name": "Acme Corp", "created_by": "user_1"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(organization("org_1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/organizations/org_1/invitations"))
        .and(body_json(json!({
            "email_address": "grace@example.com", "role": "org:admin", "inviter_user_id": "user_1"
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(organization_invitation(
                "orginv_1",
                "grace@example.com",
                "org:admin",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;

    let output = run(
        "create_organization",
        &server,
        &["user_1", "grace@example.com"],
    )
    .await;
    assert_eq!(
        stdout(&output),
        "created org_1 (org_1)\ninvited grace@example.com as org:admin (orginv_1)\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn merge_metadata_sends_only_the_new_keys() {
    let server = MockServer::start().await;
    let mut merged = user("user_1");
    merged["public_metadata"] = json!({"theme": "dark", "plan": "pro", "onboarded": true});
    Mock::given(method("PATCH"))
        .and(path("/users/user_1/metadata"))
        .and(body_json(
            json!({"public_metadata": {"plan": "pro", "onboarded": true}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(merged))
        .expect(1)
        .mount(&server)
        .await;

    let output = run("merge_metadata", &server, &["user_1"]).await;
    assert_eq!(
        stdout(&output),
        "user_1: public metadata is now {\"theme\":\"dark\",\"plan\":\"pro\",\"onboarded\":true}\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_user_deletes_or_reports_a_missing_user() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/users/user_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "user_1", "object": "user", "deleted": true})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/users/user_2"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(clerk_error("resource_not_found", "not found")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let deleted = run("delete_user", &server, &["user_1"]).await;
    assert_eq!(stdout(&deleted), "deleted user_1: true\n");
    let missing = run("delete_user", &server, &["user_2"]).await;
    assert_eq!(stdout(&missing), "no user user_2\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_example_without_a_key_says_what_is_missing() {
    let server = MockServer::start().await;
    let binary = tests::example_binaries()["delete_user"].clone();
    let output = std::process::Command::new(binary)
        .arg("user_1")
        .env_remove("CLERK_SECRET_KEY")
        .env("CLERK_API_URL", server.uri())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CLERK_SECRET_KEY"), "{stderr}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
