//! `ClerkLayer` and the extractors in an axum app served on 127.0.0.1 and
//! called over the network: protected and open routes, the org-admin
//! requirement, header and cookie tokens, machine tokens against a mock of
//! the Backend API's verify operation, custom rejections, and hostile
//! headers.

use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use clerk_api::auth::{
    Accept, AuthRejection, ClerkLayer, Identity, Requirement, Session, Verifier,
};
use clerk_api::v2026_05_12 as clerk;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderValue, WWW_AUTHENTICATE};
use serde_json::{Value, json};
use tests::jwt::keys;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn me(session: Session) -> Json<Value> {
    Json(json!({
        "user_id": session.user_id,
        "session_id": session.session_id,
        "org_id": session.organization.map(|o| o.id),
    }))
}

async fn whoami(identity: Identity) -> Json<Value> {
    Json(json!({"kind": identity.kind().as_str(), "subject": identity.subject()}))
}

async fn maybe(session: Option<Session>) -> String {
    match session {
        Some(s) => format!("hello {}", s.user_id),
        None => "hello stranger".to_string(),
    }
}

struct App {
    base: String,
    http: reqwest::Client,
    _backend: MockServer,
}

impl App {
    async fn start() -> App {
        let backend = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/jwks"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"keys": [keys().a.jwk()]})),
            )
            .mount(&backend)
            .await;
        Mock::given(method("POST"))
            .and(path("/api_keys/verify"))
            .and(body_json(json!({"secret": "ak_good"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "object": "api_key", "id": "ak_id", "type": "api_key", "subject": "org_1",
                "name": "deploy", "claims": null, "scopes": [], "revoked": false,
                "revocation_reason": null, "expired": false, "expiration": null,
                "created_by": null, "created_at": 1, "updated_at": 1
            })))
            .mount(&backend)
            .await;
        Mock::given(method("POST"))
            .and(path("/api_keys/verify"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                "errors": [{"code": "resource_not_found", "message": "not found"}]
            })))
            .mount(&backend)
            .await;
        let client = clerk::Client::builder()
            .secret_key("sk_test_axum")
            .base_url(backend.uri())
            .build()
            .unwrap();
        let sessions = Verifier::builder()
            .backend(&client)
            .authorized_parties(["https://app.example.com"])
            .build()
            .unwrap();
        let anyone = Verifier::builder()
            .backend(&client)
            .accept(Accept::ANY)
            .build()
            .unwrap();
        let app = Router::new()
            .route("/admin", get(me))
            .route_layer(ClerkLayer::new(sessions.clone()).require(Requirement::role("org:admin")))
            .route("/me", get(me))
            .route_layer(ClerkLayer::new(sessions.clone()))
            .merge(
                Router::new()
                    .route("/whoami", get(whoami))
                    .route("/session-only", get(me))
                    .route_layer(ClerkLayer::new(anyone)),
            )
            .merge(
                Router::new()
                    .route("/maybe", get(maybe))
                    .route_layer(ClerkLayer::new(sessions.clone()).optional()),
            )
            .merge(Router::new().route("/teapot", get(me)).route_layer(
                ClerkLayer::new(sessions).on_rejection(|rejection: AuthRejection| {
                    (StatusCode::IM_A_TEAPOT, format!("no: {}", rejection.code())).into_response()
                }),
            ))
            .route("/unprotected-extractor", get(me))
            .route("/health", get(|| async { "ok" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        clerk_api::install_tls_provider();
        App {
            base,
            http: reqwest::Client::new(),
            _backend: backend,
        }
    }

    async fn get(
        &self,
        route: &str,
        headers: &[(reqwest::header::HeaderName, HeaderValue)],
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let mut request = self.http.get(format!("{}{route}", self.base));
        for (name, value) in headers {
            request = request.header(name, value.clone());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    }
}

fn bearer(token: &str) -> (reqwest::header::HeaderName, HeaderValue) {
    (
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    )
}

#[tokio::test]
async fn protected_routes_answer_401_then_200() {
    let app = App::start().await;
    assert_eq!(app.get("/health", &[]).await.0, StatusCode::OK);

    let (status, headers, body) = app.get("/me", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers[WWW_AUTHENTICATE], "Bearer");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "missing_token");

    let expired = keys()
        .a
        .session(json!({"exp": 1_000, "iat": 900, "nbf": 900}));
    let (status, headers, body) = app.get("/me", &[bearer(&expired)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        headers[WWW_AUTHENTICATE],
        r#"Bearer error="invalid_token", error_description="token_expired""#
    );
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["code"],
        "token_expired"
    );
    assert!(
        !body.contains(&expired[..30]),
        "the token is not echoed: {body}"
    );

    let (status, _, body) = app
        .get("/me", &[bearer(&keys().a.session(json!({})))])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"user_id": "user_2abc", "session_id": "sess_2abc", "org_id": null})
    );
}

#[tokio::test]
async fn the_org_admin_route_answers_403_then_200() {
    let app = App::start().await;
    let member = keys()
        .a
        .session(json!({"org_id": "org_1", "org_role": "org:member", "org_permissions": []}));
    let (status, headers, body) = app.get("/admin", &[bearer(&member)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        headers[WWW_AUTHENTICATE],
        r#"Bearer error="insufficient_scope""#
    );
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["message"],
        "this route requires role org:admin"
    );
    let no_org = keys().a.session(json!({}));
    assert_eq!(
        app.get("/admin", &[bearer(&no_org)]).await.0,
        StatusCode::FORBIDDEN
    );
    let admin = keys()
        .a
        .session(json!({"v": 2, "o": {"id": "org_1", "rol": "admin"}}));
    let (status, _, body) = app.get("/admin", &[bearer(&admin)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["org_id"],
        "org_1"
    );
    assert_eq!(app.get("/admin", &[]).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_cookie_works_and_the_header_comes_first() {
    let app = App::start().await;
    let good = keys().a.session(json!({}));
    let cookie = |value: &str| (COOKIE, HeaderValue::from_str(value).unwrap());
    let (status, _, body) = app
        .get("/me", &[cookie(&format!("theme=dark; __session={good}"))])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A bad bearer token is not rescued by a good cookie.
    let (status, _, _) = app
        .get(
            "/me",
            &[bearer("not-a-token"), cookie(&format!("__session={good}"))],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // azp is checked: a token minted for another site is refused.
    let other_site = keys().a.session(json!({"azp": "https://evil.example.com"}));
    let (status, _, body) = app
        .get("/me", &[cookie(&format!("__session={other_site}"))])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("unauthorized_party"), "{body}");
}

#[tokio::test]
async fn machine_tokens_reach_routes_that_accept_them() {
    let app = App::start().await;
    let (status, _, body) = app.get("/whoami", &[bearer("ak_good")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"kind": "API key", "subject": "org_1"})
    );
    let (status, _, body) = app.get("/whoami", &[bearer("ak_unknown")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("machine_token_rejected"), "{body}");
    // A handler that needs a session refuses a machine with 403.
    let (status, _, body) = app.get("/session-only", &[bearer("ak_good")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // The session-only layer refuses an API key outright.
    assert_eq!(
        app.get("/me", &[bearer("ak_good")]).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn optional_routes_custom_rejections_and_missing_layers() {
    let app = App::start().await;
    assert_eq!(app.get("/maybe", &[]).await.2, "hello stranger");
    let (status, _, body) = app
        .get("/maybe", &[bearer(&keys().a.session(json!({})))])
        .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "hello user_2abc"));
    assert_eq!(
        app.get("/maybe", &[bearer("garbage")]).await.0,
        StatusCode::UNAUTHORIZED
    );

    let (status, _, body) = app.get("/teapot", &[]).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::IM_A_TEAPOT, "no: missing_token")
    );

    let (status, _, body) = app
        .get(
            "/unprotected-extractor",
            &[bearer(&keys().a.session(json!({})))],
        )
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("auth_not_configured"), "{body}");
}

#[tokio::test]
async fn hostile_headers_are_refused_without_a_panic() {
    let app = App::start().await;
    let raw = |bytes: &[u8]| HeaderValue::from_bytes(bytes).unwrap();
    for headers in [
        vec![(AUTHORIZATION, raw(b"Bearer \xff\xfe\xfd"))],
        vec![(
            AUTHORIZATION,
            raw(format!("Bearer {}", "a".repeat(15_000)).as_bytes()),
        )],
        vec![(AUTHORIZATION, raw(b"Basic dXNlcjpwYXNz"))],
        (0..50)
            .map(|i| (AUTHORIZATION, raw(format!("Bearer t{i}").as_bytes())))
            .collect(),
        vec![(COOKIE, raw(b"__session=\xff"))],
    ] {
        let (status, _, body) = app.get("/me", &headers).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    // The server is still up.
    assert_eq!(app.get("/health", &[]).await.0, StatusCode::OK);
}
