//! The `webhook_sync` example run as a process: signed deliveries (built
//! from the examples of Clerk's webhooks document) sent over loopback, and
//! the rows of its SQLite file checked after each.

use rusqlite::{Connection, params};
use serde_json::{Value, json};
use tests::example::Example;
use tests::webhook::{SVIX_SECRET, headers, pinned_example as example};

fn now() -> i64 {
    tests::jwt::now()
}

struct Sync {
    example: Example,
    database: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Sync {
    fn start() -> Sync {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("clerk.db");
        let example = Example::start(
            "webhook_sync",
            &[
                ("CLERK_WEBHOOK_SIGNING_SECRET", SVIX_SECRET.to_string()),
                ("DATABASE_PATH", database.display().to_string()),
            ],
        );
        Sync {
            example,
            database,
            _dir: dir,
        }
    }

    /// Delivers `event`, signed, as delivery `id`.
    async fn deliver(&self, id: &str, event: &Value) -> (u16, String) {
        let body = serde_json::to_vec(event).unwrap();
        let headers = headers(SVIX_SECRET, id, now(), &body);
        self.example.post("/webhooks", &headers, body).await
    }

    fn rows(&self, query: &str) -> Vec<Vec<Value>> {
        let db = Connection::open(&self.database).unwrap();
        let mut statement = db.prepare(query).unwrap();
        let columns = statement.column_count();
        statement
            .query_map(params![], |row| {
                (0..columns)
                    .map(|i| {
                        Ok(match row.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => Value::Null,
                            rusqlite::types::ValueRef::Integer(n) => json!(n),
                            rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                            other => json!(format!("{other:?}")),
                        })
                    })
                    .collect()
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn users_organizations_and_memberships_follow_the_deliveries() {
    let sync = Sync::start();
    assert!(sync.database.is_file(), "created with its tables");

    let mut created = example("user.created");
    let user_id = created["data"]["id"].as_str().unwrap().to_string();
    // The document's example has no email address: give it its primary one.
    let primary = created["data"]["primary_email_address_id"].clone();
    created["data"]["email_addresses"] = json!([{
        "id": primary, "object": "email_address", "email_address": "ada@example.com",
        "reserved": false, "verification": null, "linked_to": [],
        "created_at": 1716883200000_i64, "updated_at": 1716883200000_i64
    }]);
    let (status, body) = sync.deliver("msg_1", &created).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"stored"}"#));
    let users = sync.rows("SELECT id, first_name, last_name, primary_email, deleted FROM users");
    assert_eq!(users.len(), 1, "{users:?}");
    assert_eq!(users[0][0], json!(user_id));
    assert_eq!(users[0][4], json!(0));
    assert_eq!(
        users[0][3],
        json!("ada@example.com"),
        "the primary email: {users:?}"
    );

    // A redelivery (same svix-id, even with other content) changes nothing.
    created["data"]["first_name"] = json!("Changed");
    let (status, body) = sync.deliver("msg_1", &created).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    assert_eq!(sync.rows("SELECT first_name FROM users")[0][0], users[0][1]);

    // An update applies; an older one arriving late does not.
    let mut updated = example("user.updated");
    updated["data"]["id"] = json!(user_id);
    let stamp = created["data"]["updated_at"].as_i64().unwrap();
    updated["data"]["updated_at"] = json!(stamp + 1000);
    updated["data"]["first_name"] = json!("Grace");
    assert_eq!(sync.deliver("msg_2", &updated).await.0, 200);
    let mut stale = updated.clone();
    stale["data"]["updated_at"] = json!(stamp + 10);
    stale["data"]["first_name"] = json!("Stale");
    assert_eq!(sync.deliver("msg_3", &stale).await.0, 200);
    assert_eq!(
        sync.rows("SELECT first_name FROM users")[0][0],
        json!("Grace")
    );

    // Organizations and memberships.
    let org = example("organization.created");
    let org_id = org["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(sync.deliver("msg_4", &org).await.0, 200);
    let membership = example("organizationMembership.created");
    assert_eq!(sync.deliver("msg_5", &membership).await.0, 200);
    let memberships =
        sync.rows("SELECT id, organization_id, user_id, role, deleted FROM memberships");
    assert_eq!(memberships.len(), 1, "{memberships:?}");
    assert_eq!(memberships[0][3], membership["data"]["role"]);
    assert_eq!(memberships[0][4], json!(0));
    assert_eq!(
        sync.rows("SELECT id, name, deleted FROM organizations")[0][0],
        json!(org_id)
    );

    // Deletes set `deleted = 1`.
    let mut deleted = example("user.deleted");
    deleted["data"]["id"] = json!(user_id);
    assert_eq!(sync.deliver("msg_6", &deleted).await.0, 200);
    assert_eq!(sync.rows("SELECT deleted FROM users")[0][0], json!(1));
    let mut org_deleted = example("organization.deleted");
    org_deleted["data"]["id"] = json!(org_id);
    assert_eq!(sync.deliver("msg_7", &org_deleted).await.0, 200);
    assert_eq!(
        sync.rows("SELECT deleted FROM organizations")[0][0],
        json!(1)
    );
    let membership_deleted = example("organizationMembership.deleted");
    assert_eq!(sync.deliver("msg_8", &membership_deleted).await.0, 200);
    let gone = sync.rows("SELECT deleted FROM memberships");
    assert!(gone.iter().any(|row| row[0] == json!(1)), "{gone:?}");

    // An event type it does not store is still acknowledged.
    let (status, body) = sync.deliver("msg_9", &example("session.created")).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ignored"}"#));
    let deliveries = sync.rows("SELECT svix_id, type FROM deliveries ORDER BY svix_id");
    assert_eq!(deliveries.len(), 9, "{deliveries:?}");
    assert_eq!(
        deliveries[8],
        vec![json!("msg_9"), json!("session.created")]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_that_fails_verification_changes_nothing() {
    let sync = Sync::start();
    let event = example("user.created");
    let body = serde_json::to_vec(&event).unwrap();
    let signed = headers(SVIX_SECRET, "msg_1", now(), &body);

    // Signed for another body.
    let mut other = body.clone();
    other[1] = b' ';
    let (status, reply) = sync.example.post("/webhooks", &signed, other).await;
    assert_eq!(status, 401, "{reply}");
    assert!(reply.contains("no_matching_signature"), "{reply}");
    // Too old.
    let old = headers(SVIX_SECRET, "msg_1", now() - 3600, &body);
    let (status, reply) = sync.example.post("/webhooks", &old, body.clone()).await;
    assert_eq!(status, 401, "{reply}");
    assert!(reply.contains("timestamp_too_old"), "{reply}");
    // No signature at all.
    let (status, _) = sync
        .example
        .post("/webhooks", &signed[..2], body.clone())
        .await;
    assert_eq!(status, 400);
    // Larger than the limit (1 MiB).
    let (status, _) = sync
        .example
        .post("/webhooks", &signed, vec![b' '; 2 * 1024 * 1024])
        .await;
    assert_eq!(status, 413);
    for table in ["users", "deliveries"] {
        assert!(
            sync.rows(&format!("SELECT * FROM {table}")).is_empty(),
            "{table}"
        );
    }
    // Nothing was stored, so the genuine delivery still applies.
    let (status, _) = sync.example.post("/webhooks", &signed, body).await;
    assert_eq!(status, 200);
    assert_eq!(sync.rows("SELECT * FROM users").len(), 1);
}
