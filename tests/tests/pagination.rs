//! Walking every page of the generated list operations against wiremock:
//! a bare array with cursor pagination (`GET /users`), a `{data,
//! total_count}` envelope, an envelope under another key (`{m2m_tokens,
//! total_count}`), an ordering the cursor does not allow, and an error in
//! the middle of a walk. Walks are written as a newcomer writes them: no
//! trait import, no `pin!`.

use clerk_api::v2026_05_12 as clerk;
use clerk_api::{Order, RetryPolicy};
use serde_json::{Value, json};
use tests::fixtures::{organization, user};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn client(server: &MockServer) -> clerk::Client {
    clerk::Client::builder()
        .secret_key("sk_test_pages")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn query(request: &Request, key: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Serves `items` page by page, by `offset` or by `starting_after`.
struct Pages {
    items: Vec<Value>,
    /// Wraps a page in its envelope.
    wrap: fn(Vec<Value>, usize) -> Value,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let limit: usize = query(request, "limit").unwrap().parse().unwrap();
        let start = match query(request, "starting_after") {
            Some(after) => {
                self.items
                    .iter()
                    .position(|i| i["id"] == after.as_str())
                    .unwrap()
                    + 1
            }
            None => query(request, "offset").map_or(0, |o| o.parse().unwrap()),
        };
        let page: Vec<Value> = self.items.iter().skip(start).take(limit).cloned().collect();
        ResponseTemplate::new(200).set_body_json((self.wrap)(page, self.items.len()))
    }
}

fn m2m_token(id: &str) -> Value {
    json!({
        "object": "machine_to_machine_token", "id": id, "subject": "mch_1", "revoked": false,
        "revocation_reason": null, "expired": false, "expiration": null, "last_used_at": null,
        "created_at": 1, "updated_at": 1
    })
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn a_bare_array_is_walked_with_the_cursor_and_stops_on_a_short_page() {
    let server = MockServer::start().await;
    let items: Vec<Value> = (1..=5).map(|i| user(&format!("user_{i}"))).collect();
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(Pages {
            items,
            wrap: |page, _| Value::Array(page),
        })
        .mount(&server)
        .await;

    let params = clerk::users::ListParams {
        limit: Some(2),
        ..Default::default()
    };
    let users: Vec<_> = client(&server)
        .users()
        .list(&params)
        .stream()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["user_1", "user_2", "user_3", "user_4", "user_5"]);
    let sent = requests(&server).await;
    let cursors: Vec<(Option<String>, Option<String>)> = sent
        .iter()
        .map(|r| (query(r, "offset"), query(r, "starting_after")))
        .collect();
    // Three pages (2 + 2 + 1, short: the end); after the first, by cursor.
    assert_eq!(
        cursors,
        [
            (Some("0".into()), None),
            (None, Some("user_2".into())),
            (None, Some("user_4".into()))
        ]
    );
}

#[tokio::test]
async fn a_data_envelope_stops_at_total_count() {
    let server = MockServer::start().await;
    let items: Vec<Value> = (1..=6).map(|i| organization(&format!("org_{i}"))).collect();
    Mock::given(method("GET"))
        .and(path("/organizations"))
        .respond_with(Pages {
            items,
            wrap: |page, total| json!({"data": page, "total_count": total}),
        })
        .mount(&server)
        .await;

    let params = clerk::organizations::ListParams {
        limit: Some(2),
        ..Default::default()
    };
    let orgs: Vec<_> = client(&server)
        .organizations()
        .list(&params)
        .stream()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(orgs.len(), 6);
    let offsets: Vec<Option<String>> = requests(&server)
        .await
        .iter()
        .map(|r| query(r, "offset"))
        .collect();
    // Three full pages, and no fourth request: total_count says there is none.
    assert_eq!(
        offsets,
        [Some("0".into()), Some("2".into()), Some("4".into())]
    );
}

#[tokio::test]
async fn an_envelope_under_another_key_is_walked() {
    let server = MockServer::start().await;
    let items: Vec<Value> = (1..=7).map(|i| m2m_token(&format!("mt_{i}"))).collect();
    Mock::given(method("GET"))
        .and(path("/m2m_tokens"))
        .respond_with(Pages {
            items,
            wrap: |page, total| json!({"m2m_tokens": page, "total_count": total}),
        })
        .mount(&server)
        .await;

    let params = clerk::m2m::ListTokensParams {
        limit: Some(3.0),
        ..Default::default()
    };
    let tokens: Vec<_> = client(&server)
        .m2m()
        .list_tokens("mch_1", &params)
        .stream()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(tokens.len(), 7);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    assert!(
        sent.iter()
            .all(|r| query(r, "subject").as_deref() == Some("mch_1"))
    );
}

#[tokio::test]
async fn an_error_ends_the_walk_after_the_items_before_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/organizations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [organization("org_1"), organization("org_2")], "total_count": 10
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;

    let params = clerk::organizations::ListParams {
        limit: Some(2),
        ..Default::default()
    };
    let client = client(&server);
    let mut pages = client.organizations().list(&params).stream();
    assert!(pages.try_next().await.unwrap().is_some());
    assert!(pages.try_next().await.unwrap().is_some());
    let err = pages.try_next().await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(
        pages.try_next().await.unwrap().is_none(),
        "the walk ends after the error"
    );
    assert_eq!(
        requests(&server).await.len(),
        2,
        "no request after the error"
    );
}

/// The spec allows `starting_after` with the `created_at` orderings only
/// (any other answers 422), so a walk ordered by `-updated_at` pages by
/// offset all along, while `-created_at` switches to the cursor.
#[tokio::test]
async fn the_cursor_is_used_only_with_the_orderings_that_allow_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(Pages {
            items: (1..=5).map(|i| user(&format!("user_{i}"))).collect(),
            wrap: |page, _| Value::Array(page),
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let walk = |order: Order<clerk::types::GetUserListOrderBy>| {
        let params = clerk::users::ListParams::default().limit(2).order_by(order);
        client.users().list(&params).stream().try_collect()
    };

    let by_update = walk(Order::desc(clerk::types::GetUserListOrderBy::UpdatedAt))
        .await
        .unwrap();
    assert_eq!(by_update.len(), 5);
    let sent = requests(&server).await;
    let paging: Vec<_> = sent
        .iter()
        .map(|r| {
            (
                query(r, "order_by"),
                query(r, "offset"),
                query(r, "starting_after"),
            )
        })
        .collect();
    let updated = Some("-updated_at".to_string());
    assert_eq!(
        paging,
        [
            (updated.clone(), Some("0".into()), None),
            (updated.clone(), Some("2".into()), None),
            (updated, Some("4".into()), None),
        ]
    );

    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(Pages {
            items: (1..=5).map(|i| user(&format!("user_{i}"))).collect(),
            wrap: |page, _| Value::Array(page),
        })
        .mount(&server)
        .await;
    walk(Order::desc(clerk::types::GetUserListOrderBy::CreatedAt))
        .await
        .unwrap();
    let cursors: Vec<_> = requests(&server)
        .await
        .iter()
        .map(|r| query(r, "starting_after"))
        .collect();
    assert_eq!(
        cursors,
        [None, Some("user_2".into()), Some("user_4".into())]
    );
}

/// A walk is a `Stream` too, for code that composes streams.
#[tokio::test]
async fn a_walk_is_a_stream() {
    use futures_util::StreamExt;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/organizations"))
        .respond_with(Pages {
            items: (1..=3).map(|i| organization(&format!("org_{i}"))).collect(),
            wrap: |page, total| json!({"data": page, "total_count": total}),
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let names: Vec<String> = client
        .organizations()
        .list(&Default::default())
        .stream()
        .map(|org| org.unwrap().id)
        .collect()
        .await;
    assert_eq!(names, ["org_1", "org_2", "org_3"]);
}
