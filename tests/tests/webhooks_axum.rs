//! The `Verified<E>` extractor in an axum app served on 127.0.0.1 and
//! called over the network: a signed delivery is decoded; a forged,
//! stale, unsigned, oversized or truncated one is refused with the status
//! and JSON body the rejection documents, and the handler never runs.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::post;
use clerk_api::events::v2025_04_15::Event;
use clerk_api::events::{Verified, Verifier};
use serde_json::Value;
use tests::webhook::{SVIX_SECRET, headers, pinned_example};

#[derive(Clone)]
struct AppState {
    verifier: Verifier,
    handled: Arc<AtomicUsize>,
}

impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Verifier {
        state.verifier.clone()
    }
}

async fn receive(State(state): State<AppState>, Verified(delivery): Verified<Event>) -> String {
    state.handled.fetch_add(1, Ordering::SeqCst);
    match delivery.event {
        Event::UserUpdated(updated) => format!("{} {}", delivery.id, updated.data.id),
        other => format!("{} {}", delivery.id, other.event_type()),
    }
}

struct App {
    url: String,
    address: std::net::SocketAddr,
    handled: Arc<AtomicUsize>,
    http: reqwest::Client,
}

impl App {
    async fn start() -> App {
        clerk_api::install_tls_provider();
        let handled = Arc::new(AtomicUsize::new(0));
        let state = AppState {
            verifier: Verifier::new(SVIX_SECRET).unwrap().max_body(64 * 1024),
            handled: handled.clone(),
        };
        let app = Router::new()
            .route("/webhooks", post(receive))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        App {
            url: format!("http://{address}/webhooks"),
            address,
            handled,
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, headers: &[(&str, String)], body: Vec<u8>) -> (u16, String) {
        let mut request = self.http.post(&self.url).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    fn handled(&self) -> usize {
        self.handled.load(Ordering::SeqCst)
    }
}

fn code(body: &str) -> String {
    let json: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    json["code"].as_str().unwrap().to_string()
}

fn now() -> i64 {
    tests::jwt::now()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_delivery_reaches_the_handler_decoded() {
    let app = App::start().await;
    let body = serde_json::to_vec(&pinned_example("user.updated")).unwrap();
    let (status, text) = app
        .post(&headers(SVIX_SECRET, "msg_1", now(), &body), body)
        .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.starts_with("msg_1 user_"), "{text}");
    assert_eq!(app.handled(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_stale_unsigned_and_undecodable_deliveries_are_refused() {
    let app = App::start().await;
    let body = serde_json::to_vec(&pinned_example("user.updated")).unwrap();

    // Signed with another secret.
    let other = "whsec_dGhpcyBpcyBub3QgdGhlIGVuZHBvaW50J3Mgc2VjcmV0";
    let (status, text) = app
        .post(&headers(other, "msg_1", now(), &body), body.clone())
        .await;
    assert_eq!(
        (status, code(&text).as_str()),
        (401, "no_matching_signature")
    );
    assert!(!text.contains("MfKQ9r8G"), "{text}");

    // Signed, then replayed an hour later.
    let (status, text) = app
        .post(
            &headers(SVIX_SECRET, "msg_1", now() - 3600, &body),
            body.clone(),
        )
        .await;
    assert_eq!((status, code(&text).as_str()), (401, "timestamp_too_old"));

    // No signature header.
    let mut unsigned = headers(SVIX_SECRET, "msg_1", now(), &body);
    unsigned.retain(|(name, _)| *name != "svix-signature");
    let (status, text) = app.post(&unsigned, body.clone()).await;
    assert_eq!((status, code(&text).as_str()), (400, "missing_header"));
    assert!(text.contains("svix-signature"), "{text}");

    // Signed, but not an event: the path where decoding stopped is named.
    let odd = br#"{"type":"user.updated","object":"event","data":{"id":5}}"#.to_vec();
    let (status, text) = app
        .post(&headers(SVIX_SECRET, "msg_2", now(), &odd), odd)
        .await;
    assert_eq!((status, code(&text).as_str()), (400, "undecodable_event"));
    assert_eq!(app.handled(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_body_is_refused_before_it_is_read_whole() {
    let app = App::start().await;
    let body = vec![b' '; 64 * 1024 + 1];
    let (status, text) = app
        .post(&headers(SVIX_SECRET, "msg_3", now(), &body), body)
        .await;
    assert_eq!((status, code(&text).as_str()), (413, "body_too_large"));
    assert_eq!(app.handled(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_cut_short_is_an_unreadable_body_not_a_signature_failure() {
    let app = App::start().await;
    let address = app.address;
    let response = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(address).unwrap();
        let head = format!(
            "POST /webhooks HTTP/1.1\r\nhost: {address}\r\nsvix-id: msg_4\r\n\
             svix-timestamp: {}\r\nsvix-signature: v1,AAAA\r\ncontent-length: 100\r\n\r\n{{\"type\"",
            now()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        response
    })
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("unreadable_body"), "{response}");
    assert_eq!(app.handled(), 0);
}
