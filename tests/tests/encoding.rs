//! Request encoding as a property: any string given as a path parameter,
//! a query value or a body field reaches a loopback server byte for byte
//! (escaped on the way, decoded there), and a path parameter that would
//! change the endpoint (empty, `.`, `..`) is refused before sending.

use clerk_api::v2026_05_12::{self as clerk, types};
use proptest::prelude::*;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn client(server: &MockServer) -> clerk::Client {
    clerk::Client::builder()
        .secret_key("sk_test_encoding")
        .base_url(server.uri())
        .retry_policy(clerk_api::RetryPolicy::none())
        .build()
        .unwrap()
}

/// Sends the three requests and returns what the server decoded: the
/// path's last segment, the repeated query values, the body's `name`.
async fn round_trip(id: &str, emails: &[String], name: &str) -> (String, Vec<String>, String) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = client(&server);
    let _ = client.users().get(id).await;
    let params = clerk::users::ListParams::default().email_address(emails.to_vec());
    let _ = client.users().list(&params).await;
    let _ = client
        .organizations()
        .create(&types::CreateOrganizationBody::new(name))
        .await;
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 3, "one request each, nothing retried");
    let segment = sent[0]
        .url
        .path()
        .strip_prefix("/users/")
        .unwrap()
        .to_string();
    let segment = percent_decode(&segment);
    let query: Vec<String> = sent[1]
        .url
        .query_pairs()
        .filter(|(k, _)| k == "email_address")
        .map(|(_, v)| v.into_owned())
        .collect();
    let body: serde_json::Value = serde_json::from_slice(&sent[2].body).unwrap();
    (segment, query, body["name"].as_str().unwrap().to_string())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A path parameter: any string but the three that would change the path.
fn id() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("changes the endpoint", |s| {
        !matches!(s.as_str(), "" | "." | "..")
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_string_arrives_byte_for_byte(
        id in id(),
        emails in proptest::collection::vec(any::<String>(), 1..4),
        name in any::<String>(),
    ) {
        let (segment, query, body_name) = runtime().block_on(round_trip(&id, &emails, &name));
        prop_assert_eq!(segment, id);
        prop_assert_eq!(query, emails);
        prop_assert_eq!(body_name, name);
    }
}

#[test]
fn a_path_parameter_that_would_change_the_endpoint_is_refused() {
    runtime().block_on(async {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        let client = client(&server);
        for id in ["", ".", ".."] {
            let err = client
                .users()
                .get_organization_memberships(id, &Default::default())
                .await
                .unwrap_err();
            assert!(
                matches!(err, clerk_api::Error::Request(_)),
                "{id:?}: {err:?}"
            );
            assert!(err.to_string().contains("path parameter"), "{err}");
        }
        // `..` would have reached GET /organization_memberships, the
        // instance-wide list: nothing was sent at all.
        assert!(server.received_requests().await.unwrap().is_empty());
        assert!(clerk_api::path("/users/{user_id}", |_| Some("..".into())).is_err());
        // Found by the property above: `\` is `/` to URL parsers, so it is
        // escaped like `/` (`/users/..\x` would have reached `/x`).
        assert_eq!(
            clerk_api::path("/users/{user_id}", |_| Some("..\\x".into())).unwrap(),
            "/users/..%5Cx"
        );
    });
}
