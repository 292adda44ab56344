//! The `clerk` binary end to end against a mock server on 127.0.0.1
//! (wiremock): browse, search, show, execute, pagination, guard rails,
//! errors and rate limits.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_cli_key";

/// Runs `clerk args…` against `server` (if any), stdin closed.
fn clerk(server: Option<&MockServer>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clerk"));
    command
        .args(args)
        .env("CLERK_SECRET_KEY", KEY)
        .env_remove("CLERK_CLI_READ_ONLY")
        .env_remove("CLERK_API_URL")
        .stdin(std::process::Stdio::null());
    if let Some(server) = server {
        command.env("CLERK_API_URL", server.uri());
    }
    command.output().unwrap()
}

async fn clerk_async(server: &MockServer, args: &[&str]) -> Output {
    let uri = server.uri();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_clerk"))
            .args(&args)
            .env("CLERK_SECRET_KEY", KEY)
            .env("CLERK_API_URL", uri)
            .env_remove("CLERK_CLI_READ_ONLY")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn user(id: &str) -> Value {
    json!({"id": id, "object": "user"})
}

#[test]
fn no_arguments_prints_examples_of_each_mode() {
    let out = clerk(None, &[]);
    assert!(out.status.success());
    for mode in ["browse", "search", "show", "execute"] {
        assert!(stdout(&out).contains(mode), "{}", stdout(&out));
    }
    let help = clerk(None, &["--help"]);
    assert!(stdout(&help).contains("Exit codes:"), "{}", stdout(&help));
}

#[test]
fn browse_tags_and_endpoints() {
    let tags = stdout(&clerk(None, &["tags"]));
    assert!(
        tags.lines().any(|l| l.trim_end().ends_with("Users")),
        "{tags}"
    );
    let endpoints = stdout(&clerk(None, &["endpoints", "Users"]));
    assert!(
        endpoints
            .lines()
            .any(|l| l.starts_with("GET") && l.contains("/users ") && l.contains("users.list")),
        "{endpoints}"
    );
}

#[test]
fn search_puts_the_intended_operation_first() {
    for (intent, expected) in [
        ("revoke a session", "sessions.revoke"),
        ("ban a user", "users.ban"),
        (
            "invite someone to an organization",
            "organization_invitations.create",
        ),
        ("list users", "users.list"),
        ("merge user metadata", "users.merge_metadata"),
        ("create an organization", "organizations.create"),
        ("delete an organization", "organizations.delete"),
    ] {
        let out = stdout(&clerk(None, &["search", intent]));
        let first = out.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("{expected} ")),
            "{intent}: {out}"
        );
    }
}

#[test]
fn show_describes_without_sending() {
    let by_name = stdout(&clerk(None, &["show", "users.list"]));
    let by_path = stdout(&clerk(None, &["show", "GET", "/users"]));
    assert_eq!(by_name, by_path);
    assert!(by_name.starts_with("GET /users  (users.list"), "{by_name}");
    assert!(by_name.contains("--order-by"), "{by_name}");
    assert!(by_name.contains("Paginated"), "{by_name}");
    let create = stdout(&clerk(None, &["show", "organizations.create"]));
    assert!(create.contains("  name*: string"), "{create}");
    // What an operation destroys, and how a list pages, come from the model.
    let delete = stdout(&clerk(None, &["show", "users.delete"]));
    assert!(
        delete.contains("Irreversible: destroys the user"),
        "{delete}"
    );
    assert!(
        by_name.contains("then by the cursor --starting-after"),
        "{by_name}"
    );
    // An old name of a renamed operation still finds it.
    let old = stdout(&clerk(None, &["show", "users.update_metadata"]));
    assert!(old.contains("(users.merge_metadata"), "{old}");
}

#[tokio::test(flavor = "multi_thread")]
async fn execute_with_path_query_and_body_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(query_param("limit", "10"))
        .and(query_param("order_by", "-created_at"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("clerk-api-version", "2026-05-12"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([user("user_1")])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/user_123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("user_123")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/organizations"))
        .and(body_json(
            json!({"name": "Acme Corp", "created_by": "user_123"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "org_1"})))
        .expect(1)
        .mount(&server)
        .await;

    let list = clerk_async(
        &server,
        &[
            "users",
            "list",
            "--limit",
            "10",
            "--order-by",
            "-created_at",
        ],
    )
    .await;
    assert!(list.status.success(), "{}", stderr(&list));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&list)).unwrap(),
        json!([user("user_1")])
    );
    let get = clerk_async(&server, &["users", "get", "user_123", "--output", "json"]).await;
    assert_eq!(stdout(&get).trim(), r#"{"id":"user_123","object":"user"}"#);
    let create = clerk_async(
        &server,
        &[
            "organizations",
            "create",
            "--name",
            "Acme Corp",
            "--created-by",
            "user_123",
        ],
    )
    .await;
    assert!(create.status.success(), "{}", stderr(&create));
}

#[test]
fn arguments_are_checked_before_sending() {
    // No server: a request would fail with exit code 4, not 2.
    for (args, message) in [
        (
            &["users", "list", "--colour", "red"][..],
            "unexpected argument '--colour'",
        ),
        (
            &["users", "list", "--limit", "ten"][..],
            "invalid value 'ten' for '--limit <LIMIT>'",
        ),
        (
            &["users", "list", "--order-by", "-shoe_size"][..],
            "possible values: created_at, +created_at, -created_at",
        ),
        (&["organizations", "create"][..], "missing --name"),
        (&["users", "get"][..], "<USER_ID>"),
        (
            &["users", "frobnicate"][..],
            "unrecognized subcommand 'frobnicate'",
        ),
        (
            &["users", "lsit"][..],
            "a similar subcommand exists: 'list'",
        ),
        (
            &["usres", "list"][..],
            "a similar subcommand exists: 'users'",
        ),
    ] {
        let out = clerk(None, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn all_walks_every_page() {
    let server = MockServer::start().await;
    // GET /users pages by cursor after the first page (its declared rule,
    // with the default ordering), organizations by offset in an envelope.
    for (key, value, ids) in [
        ("offset", "0", vec!["u1", "u2"]),
        ("starting_after", "u2", vec!["u3", "u4"]),
        ("starting_after", "u4", vec!["u5"]),
    ] {
        let page: Vec<Value> = ids.iter().map(|id| user(id)).collect();
        Mock::given(method("GET"))
            .and(path("/users"))
            .and(query_param("limit", "2"))
            .and(query_param(key, value))
            .respond_with(ResponseTemplate::new(200).set_body_json(page))
            .expect(1)
            .mount(&server)
            .await;
    }
    for (offset, ids) in [("0", vec!["o1", "o2"]), ("2", vec!["o3"])] {
        let page: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        Mock::given(method("GET"))
            .and(path("/organizations"))
            .and(query_param("offset", offset))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"data": page, "total_count": 3})),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let out = clerk_async(
        &server,
        &["users", "list", "--limit", "2", "--all", "--output", "json"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let all: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(all.len(), 5);
    let out = clerk_async(
        &server,
        &[
            "organizations",
            "list",
            "--limit",
            "2",
            "--all",
            "--output",
            "json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&out)).unwrap(),
        json!([{"id": "o1"}, {"id": "o2"}, {"id": "o3"}])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn irreversible_operations_need_confirmation() {
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
    let refused = clerk_async(&server, &["users", "delete", "user_1"]).await;
    assert_eq!(refused.status.code(), Some(3));
    // What is destroyed, in the words of the declaration.
    assert!(
        stderr(&refused).contains("is irreversible: it destroys the user"),
        "{}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("add --yes"),
        "{}",
        stderr(&refused)
    );
    let confirmed = clerk_async(&server, &["users", "delete", "user_1", "--yes"]).await;
    assert!(confirmed.status.success(), "{}", stderr(&confirmed));
    // One DELETE arrived: the confirmed one.
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_refuses_all_but_get() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/organizations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "org_1"})))
        .expect(1)
        .mount(&server)
        .await;
    let refused = clerk_async(
        &server,
        &["--read-only", "organizations", "create", "--name", "X"],
    )
    .await;
    assert_eq!(refused.status.code(), Some(3));
    assert!(
        stderr(&refused).contains("refusing organizations.create"),
        "{}",
        stderr(&refused)
    );
    let raw = clerk_async(
        &server,
        &[
            "--read-only",
            "request",
            "POST",
            "/organizations",
            "--data",
            r#"{"name":"X"}"#,
        ],
    )
    .await;
    assert_eq!(raw.status.code(), Some(3), "{}", stderr(&raw));
    let admin = clerk_async(
        &server,
        &[
            "--read-only",
            "--admin",
            "organizations",
            "create",
            "--name",
            "X",
        ],
    )
    .await;
    assert!(admin.status.success(), "{}", stderr(&admin));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_error_is_printed_readably() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/organizations"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "errors": [{"code": "form_param_format_invalid", "message": "is invalid",
                        "long_message": "slug must contain only lowercase letters", "meta": {"param_name": "slug"}}],
            "clerk_trace_id": "trace_42"
        })))
        .mount(&server)
        .await;
    let out = clerk_async(
        &server,
        &[
            "organizations",
            "create",
            "--name",
            "X",
            "--slug",
            "Not Valid",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains("HTTP 422 (trace id trace_42)"), "{text}");
    assert!(
        text.contains("form_param_format_invalid: is invalid — slug must contain only lowercase letters (parameter slug)"),
        "{text}"
    );
    assert!(!text.contains(KEY), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_is_waited_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/user_1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/user_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("user_1")))
        .mount(&server)
        .await;
    let started = Instant::now();
    let out = clerk_async(&server, &["users", "get", "user_1"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(
        stderr(&out).contains("rate limited (429) on GetUser: waiting 1 s"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn whoami_shows_only_the_environment() {
    let out = clerk(None, &["whoami"]);
    assert_eq!(
        stdout(&out).trim(),
        "a test key (sk_test_…): a development instance"
    );
    assert!(!stdout(&out).contains("cli_key"));
}

#[test]
fn every_compiled_in_version_can_be_picked() {
    for version in [
        "2021-02-05",
        "2024-10-01",
        "2025-03-12",
        "2025-04-10",
        "2025-11-10",
    ] {
        let out = clerk(None, &["--api-version", version, "show", "users.list"]);
        assert!(
            stdout(&out).contains(&format!("API {version})")),
            "{version}: {}",
            stdout(&out)
        );
    }
    let unknown = clerk(None, &["--api-version", "2099-01-01", "tags"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("not compiled in"),
        "{}",
        stderr(&unknown)
    );
}

/// `clerk webhooks …` with a secret in the environment; no server needed.
fn clerk_webhooks(args: &[&str], secret: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clerk"));
    command
        .arg("webhooks")
        .args(args)
        .env_remove("CLERK_WEBHOOK_SIGNING_SECRET")
        .stdin(std::process::Stdio::null());
    if let Some(secret) = secret {
        command.env("CLERK_WEBHOOK_SIGNING_SECRET", secret);
    }
    command.output().unwrap()
}

#[test]
fn webhooks_lists_and_shows_the_events() {
    let out = clerk_webhooks(&["events"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("45 events of webhooks version 2025-04-15:"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 46);
    assert!(
        text.lines().any(|l| l.starts_with("session.pending ")),
        "{text}"
    );

    let out = clerk_webhooks(&["show", "user.created"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("variant Event::UserCreated"), "{text}");
    assert!(text.contains("  data*: User\n"), "{text}");
    assert!(
        text.contains("    primary_email_address_id*: string | null"),
        "{text}"
    );

    let out = clerk_webhooks(&["show", "user.create"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean user.created"),
        "{}",
        stderr(&out)
    );
    let out = clerk_webhooks(&["events", "--webhooks-version", "2099-01-01"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("compiled in: 2025-04-15"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn webhooks_verify_checks_a_captured_delivery_offline() {
    // Svix's published test vector, as a request log would show it.
    let dir = tempfile::tempdir().unwrap();
    let headers = dir.path().join("headers.txt");
    let body = dir.path().join("body.json");
    std::fs::write(
        &headers,
        "POST /webhooks HTTP/1.1\nsvix-id: msg_p5jXN8AQM9LWM0D4loKWxJek\nsvix-timestamp: 1614265330\n\
         svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\ncontent-type: application/json\n",
    )
    .unwrap();
    std::fs::write(&body, r#"{"test": 2432232314}"#).unwrap();
    let files = [
        "--headers",
        headers.to_str().unwrap(),
        "--body",
        body.to_str().unwrap(),
    ];
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    let out = clerk_webhooks(
        &[&["verify"], &files[..], &["--any-time"]].concat(),
        Some(secret),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "signature: valid (delivery msg_p5jXN8AQM9LWM0D4loKWxJek, timestamp 1614265330)"
        ),
        "{text}"
    );
    assert!(text.contains("event: the body has no `type`"), "{text}");
    assert!(!text.contains("MfKQ9r8G") && !stderr(&out).contains("MfKQ9r8G"));

    // Without --any-time, a capture from 2021 is too old for a live endpoint.
    let out = clerk_webhooks(&[&["verify"], &files[..]].concat(), Some(secret));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("too old"), "{}", stderr(&out));

    // A body that was not signed.
    std::fs::write(&body, r#"{"test": 2432232315}"#).unwrap();
    let out = clerk_webhooks(
        &[&["verify"], &files[..], &["--any-time"]].concat(),
        Some(secret),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no_matching_signature"),
        "{}",
        stderr(&out)
    );

    // No secret.
    let out = clerk_webhooks(&[&["verify"], &files[..]].concat(), None);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("CLERK_WEBHOOK_SIGNING_SECRET"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn webhooks_operations_of_the_backend_api_still_work() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/webhooks/svix_url"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"svix_url": "https://app.svix.com/login#key=x"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = clerk_async(
        &server,
        &["webhooks", "generate-svix-auth-url", "--output", "json"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("svix_url"), "{}", stdout(&out));
}

/// The command tree is built from the model, so a shell's conventions
/// work: help per group and per operation, and completion scripts.
#[test]
fn help_per_group_and_operation_and_completions() {
    let group = clerk(None, &["users", "--help"]);
    assert!(group.status.success(), "{}", stderr(&group));
    for op in ["list", "get", "merge-metadata", "delete"] {
        assert!(
            stdout(&group)
                .lines()
                .any(|l| l.trim_start().starts_with(op)),
            "{op}: {}",
            stdout(&group)
        );
    }
    let op = clerk(None, &["users", "list", "--help"]);
    assert!(op.status.success(), "{}", stderr(&op));
    let text = stdout(&op);
    for expected in ["GET /users", "--order-by", "--limit", "--all", "Paginated"] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let delete = stdout(&clerk(None, &["users", "delete", "--help"]));
    assert!(
        delete.contains("Irreversible: destroys the user"),
        "{delete}"
    );
    // The version picked changes the tree: 2025-03-12 has no M2M tokens.
    let old = clerk(None, &["--api-version", "2025-03-12", "m2m", "--help"]);
    assert_eq!(old.status.code(), Some(2), "{}", stdout(&old));

    for shell in ["bash", "zsh", "fish"] {
        let out = clerk(None, &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(
            script.contains("merge-metadata") && script.contains("organizations"),
            "{shell}: {} bytes",
            script.len()
        );
    }
}

/// Every output of failing commands, captured and searched for the secret
/// key and the webhook signing secret (the library's side of this is
/// `tests/tests/secrets.rs`).
#[tokio::test(flavor = "multi_thread")]
async fn no_secret_in_any_output_of_a_failing_command() {
    const STRESS_KEY: &str = "sk_test_CLISTRESS0123456789";
    const STRESS_SECRET: &str = "whsec_Q0xJU1RSRVNTV0VCSE9PSzAxMjM0NTY3ODk=";
    let server = MockServer::start().await;
    let responses = [
        (
            "/users/401",
            ResponseTemplate::new(401).set_body_json(
                json!({"errors": [{"code": "authentication_invalid", "message": "bad key"}]}),
            ),
        ),
        (
            "/users/500",
            ResponseTemplate::new(500).set_body_string("<html>oops</html>"),
        ),
        (
            "/users/garbage",
            ResponseTemplate::new(200).set_body_string("{\"id\": "),
        ),
    ];
    for (p, response) in responses {
        Mock::given(path(p))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    let refused = {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        format!("http://127.0.0.1:{port}")
    };
    let run = |url: String, args: Vec<String>, env: Vec<(&'static str, String)>| {
        tokio::task::spawn_blocking(move || {
            let mut command = Command::new(env!("CARGO_BIN_EXE_clerk"));
            command
                .args(&args)
                .env("CLERK_SECRET_KEY", STRESS_KEY)
                .env("CLERK_API_URL", url)
                .env("RUST_BACKTRACE", "1")
                .env_remove("CLERK_CLI_READ_ONLY")
                .stdin(std::process::Stdio::null());
            for (name, value) in env {
                command.env(name, value);
            }
            command.output().unwrap()
        })
    };
    let uri = server.uri();
    let dir = tempfile::tempdir().unwrap();
    let headers = dir.path().join("headers.txt");
    let body = dir.path().join("body.json");
    std::fs::write(
        &headers,
        "svix-id: msg_1\nsvix-timestamp: 1614265330\nsvix-signature: v1,AAAA\n",
    )
    .unwrap();
    std::fs::write(&body, r#"{"type": "user.created"}"#).unwrap();
    let verify = |secret: &str| {
        (
            vec![
                "webhooks".to_string(),
                "verify".into(),
                "--headers".into(),
                headers.to_str().unwrap().into(),
                "--body".into(),
                body.to_str().unwrap().into(),
            ],
            vec![("CLERK_WEBHOOK_SIGNING_SECRET", secret.to_string())],
        )
    };
    // (base URL, arguments, extra environment)
    type Run = (String, Vec<String>, Vec<(&'static str, String)>);
    let mut runs: Vec<Run> = Vec::new();
    for id in ["401", "500", "garbage", "missing"] {
        runs.push((
            uri.clone(),
            vec!["users".into(), "get".into(), id.into()],
            vec![],
        ));
    }
    runs.push((
        refused.clone(),
        vec!["users".into(), "get".into(), "u".into()],
        vec![],
    ));
    runs.push((
        "http://clerk-cli.invalid".into(),
        vec!["users".into(), "list".into(), "--all".into()],
        vec![],
    ));
    runs.push((
        uri.clone(),
        vec!["request".into(), "GET".into(), "/users/401".into()],
        vec![],
    ));
    runs.push((uri.clone(), vec!["users".into(), "lsit".into()], vec![]));
    runs.push((
        uri.clone(),
        vec!["users".into(), "delete".into(), "u".into()],
        vec![],
    ));
    runs.push((uri.clone(), vec!["whoami".into()], vec![]));
    runs.push((
        uri.clone(),
        vec!["whoami".into()],
        vec![("CLERK_SECRET_KEY", STRESS_KEY.replace("sk_", "pk_"))],
    ));
    for secret in [
        STRESS_SECRET,
        &STRESS_SECRET[..STRESS_SECRET.len() - 2],
        &STRESS_SECRET[6..],
    ] {
        let (args, env) = verify(secret);
        runs.push((uri.clone(), args, env));
    }
    let mut captured = String::new();
    for (url, args, env) in runs {
        let out = run(url, args.clone(), env).await.unwrap();
        captured.push_str(&format!(
            "$ clerk {}\n{}{}\n",
            args.join(" "),
            stdout(&out),
            stderr(&out)
        ));
    }
    // The search is over real output: errors were printed.
    assert!(captured.contains("authentication_invalid"), "{captured}");
    assert!(
        captured.contains("no_matching_signature") || captured.contains("signature"),
        "{captured}"
    );
    for secret in [
        STRESS_KEY,
        "CLISTRESS0123456789",
        STRESS_SECRET,
        "Q0xJU1RSRVNTV0VCSE9PSzAxMjM0NTY3ODk",
        "CLISTRESSWEBHOOK",
    ] {
        assert!(
            !captured.contains(secret),
            "output shows {secret}:\n{captured}"
        );
    }
}
