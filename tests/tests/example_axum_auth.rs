//! The `axum_auth` example run as a process, as anyone would run it
//! against their own tokens: with a PEM key (no network), and with a
//! secret key whose JWKS comes from a mock Backend API; its routes called
//! over loopback and its log lines read from stderr.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tests::jwt::keys;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The example, running; killed on drop.
struct Example {
    child: Child,
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Example {
    fn start(env: &[(&str, String)]) -> Example {
        clerk_api::install_tls_provider();
        let binary = tests::example_binaries()
            .remove("axum_auth")
            .expect("the axum_auth example is built");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(binary);
        command
            .env_remove("CLERK_JWT_KEY")
            .env_remove("CLERK_SECRET_KEY")
            .env_remove("CLERK_API_URL")
            .env("PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let stderr = child.stderr.take().unwrap();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(line);
                }
            });
        }
        let started = Instant::now();
        while !log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("listening on"))
        {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the example exited ({status}): {:?}", log.lock().unwrap());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "not listening: {:?}",
                log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Example {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    async fn get(&self, route: &str, token: Option<&str>) -> (u16, String) {
        let mut request = reqwest::Client::new().get(format!("{}{route}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
    let example = Example::start(&[
        ("CLERK_JWT_KEY", keys().a.pem()),
        (
            "CLERK_AUTHORIZED_PARTIES",
            "https://app.example.com, http://localhost:5173".into(),
        ),
    ]);
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
    let example = Example::start(&[
        ("CLERK_SECRET_KEY", "sk_test_example_secret".into()),
        ("CLERK_API_URL", backend.uri()),
        ("CLERK_AUTHORIZED_PARTIES", "https://app.example.com".into()),
    ]);
    check_routes(&example).await;
    assert!(
        example
            .log()
            .iter()
            .all(|l| !l.contains("sk_test_example_secret"))
    );
}
