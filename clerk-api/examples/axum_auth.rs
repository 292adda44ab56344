//! An axum app that authenticates Clerk session tokens, to try against
//! your own tokens.
//!
//! ```sh
//! # With the instance's PEM public key: no network call at all.
//! CLERK_JWT_KEY="$(cat jwt-key.pem)" CLERK_AUTHORIZED_PARTIES=http://localhost:5173 PORT=3000 \
//!   cargo run -p clerk-api --features axum,v2026-05-12 --example axum_auth
//! # Or with the secret key: keys from the Backend API's GET /jwks, cached.
//! CLERK_SECRET_KEY=sk_test_… cargo run -p clerk-api --features axum,v2026-05-12 --example axum_auth
//!
//! curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/me
//! ```
//!
//! Routes: `GET /health` (no auth), `GET /me` (any signed-in session:
//! `{"user_id", "session_id", "org_id"}`), `GET /admin` (a session whose
//! active organization role is `org:admin`; 403 for other sessions). One
//! line per request goes to stderr, never the token.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use clerk_api::auth::{ClerkLayer, Requirement, Session, Verifier};
use clerk_api::v2026_05_12 as clerk;
use serde_json::{Value, json};

async fn me(session: Session) -> Json<Value> {
    Json(json!({
        "user_id": session.user_id,
        "session_id": session.session_id,
        "org_id": session.organization.map(|org| org.id),
    }))
}

/// `GET /me 200 1.2ms`: method, path, status and time; no header is logged.
async fn log(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let started = Instant::now();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} {} {:.1}ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

fn verifier() -> Result<Verifier, Box<dyn std::error::Error>> {
    let parties: Vec<String> = std::env::var("CLERK_AUTHORIZED_PARTIES")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let builder = Verifier::builder().authorized_parties(parties);
    let builder = match std::env::var("CLERK_JWT_KEY") {
        Ok(pem) if !pem.trim().is_empty() => {
            eprintln!("keys: the PEM public key in CLERK_JWT_KEY (no network calls)");
            builder.jwt_key(pem)
        }
        _ => {
            // CLERK_SECRET_KEY, and CLERK_API_URL if set.
            let client = clerk::Client::from_env()?;
            eprintln!("keys: GET /jwks at {}", client.config().base_url());
            builder.backend(&client)
        }
    };
    Ok(builder.build()?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = verifier()?;
    let app = Router::new()
        .route("/admin", get(me))
        .route_layer(ClerkLayer::new(verifier.clone()).require(Requirement::role("org:admin")))
        .route("/me", get(me))
        .route_layer(ClerkLayer::new(verifier))
        .route("/health", get(|| async { "ok" }))
        .layer(middleware::from_fn(log));
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_string());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
