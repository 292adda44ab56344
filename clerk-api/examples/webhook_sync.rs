//! Keeps users, organizations and memberships in a SQLite database in step
//! with Clerk, from its webhooks: the most common reason a backend receives
//! them.
//!
//! ```sh
//! CLERK_WEBHOOK_SIGNING_SECRET=whsec_… DATABASE_PATH=clerk.db PORT=3000 \
//!   cargo run -p clerk-api --features axum,events-2025-04-15 --example webhook_sync
//! ```
//!
//! Point a Clerk webhook endpoint (or your own signed deliveries) at
//! `POST http://127.0.0.1:$PORT/webhooks`. A verified delivery is answered
//! 2xx, also for an event type it does not store; one that fails
//! verification 4xx, and changes nothing. Each delivery is applied once, in
//! one transaction with its `svix-id`: a redelivery changes nothing. An
//! update older than the row it would replace is ignored (deliveries can
//! arrive out of order), and a delete sets `deleted = 1`.

use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use clerk_api::events::v2025_04_15::{Event, types};
use clerk_api::events::{Delivery, Verified, Verifier};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, primary_email TEXT, first_name TEXT, last_name TEXT,
    updated_at INTEGER, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY, name TEXT, slug TEXT, updated_at INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS memberships (
    id TEXT PRIMARY KEY, organization_id TEXT, user_id TEXT, role TEXT,
    deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS deliveries (
    svix_id TEXT PRIMARY KEY, type TEXT NOT NULL, received_at INTEGER NOT NULL);
";

#[derive(Clone)]
struct App {
    verifier: Verifier,
    db: Arc<Mutex<Connection>>,
}

impl FromRef<App> for Verifier {
    fn from_ref(app: &App) -> Verifier {
        app.verifier.clone()
    }
}

fn primary_email(user: &types::User) -> Option<&str> {
    let primary = user.primary_email_address_id.as_deref()?;
    user.email_addresses
        .iter()
        .find(|e| e.id.as_deref() == Some(primary))
        .map(|e| e.email_address.as_str())
}

fn upsert_user(db: &Connection, user: &types::User) -> rusqlite::Result<usize> {
    db.execute(
        "INSERT INTO users (id, primary_email, first_name, last_name, updated_at, deleted)
         VALUES (?1, ?2, ?3, ?4, ?5, 0)
         ON CONFLICT (id) DO UPDATE SET primary_email = excluded.primary_email,
             first_name = excluded.first_name, last_name = excluded.last_name,
             updated_at = excluded.updated_at
         WHERE excluded.updated_at >= users.updated_at",
        params![
            user.id,
            primary_email(user),
            user.first_name,
            user.last_name,
            user.updated_at
        ],
    )
}

fn upsert_organization(db: &Connection, org: &types::Organization) -> rusqlite::Result<usize> {
    db.execute(
        "INSERT INTO organizations (id, name, slug, updated_at, deleted) VALUES (?1, ?2, ?3, ?4, 0)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, slug = excluded.slug,
             updated_at = excluded.updated_at
         WHERE excluded.updated_at >= organizations.updated_at",
        params![org.id, org.name, org.slug, org.updated_at],
    )
}

fn upsert_membership(
    db: &Connection,
    membership: &types::OrganizationMembership,
    deleted: bool,
) -> rusqlite::Result<usize> {
    let user_id = membership.public_user_data.as_ref().map(|u| &u.user_id);
    db.execute(
        "INSERT INTO memberships (id, organization_id, user_id, role, deleted) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id,
             user_id = excluded.user_id, role = excluded.role,
             deleted = max(memberships.deleted, excluded.deleted)",
        params![
            membership.id,
            membership.organization.id,
            user_id,
            membership.role,
            deleted
        ],
    )
}

/// Marks a row deleted, creating it if the create never arrived.
fn delete(db: &Connection, table: &str, id: Option<&str>) -> rusqlite::Result<usize> {
    let Some(id) = id else { return Ok(0) };
    db.execute(
        &format!("INSERT INTO {table} (id, deleted) VALUES (?1, 1) ON CONFLICT (id) DO UPDATE SET deleted = 1"),
        params![id],
    )
}

/// Applies one delivery, once: `Ok(None)` if it was applied before.
fn apply(
    db: &mut Connection,
    delivery: &Delivery<Event>,
) -> rusqlite::Result<Option<&'static str>> {
    let tx = db.transaction()?;
    let seen: Option<String> = tx
        .query_row(
            "SELECT svix_id FROM deliveries WHERE svix_id = ?1",
            params![delivery.id],
            |row| row.get(0),
        )
        .optional()?;
    if seen.is_some() {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO deliveries (svix_id, type, received_at) VALUES (?1, ?2, ?3)",
        params![delivery.id, delivery.event.event_type(), delivery.timestamp],
    )?;
    let outcome = match &delivery.event {
        Event::UserCreated(e) => upsert_user(&tx, &e.data).map(|_| "stored"),
        Event::UserUpdated(e) => upsert_user(&tx, &e.data).map(|_| "stored"),
        Event::UserDeleted(e) => delete(&tx, "users", e.data.id.as_deref()).map(|_| "stored"),
        Event::OrganizationCreated(e) => upsert_organization(&tx, &e.data).map(|_| "stored"),
        Event::OrganizationUpdated(e) => upsert_organization(&tx, &e.data).map(|_| "stored"),
        Event::OrganizationDeleted(e) => {
            delete(&tx, "organizations", e.data.id.as_deref()).map(|_| "stored")
        }
        Event::OrganizationMembershipCreated(e) => {
            upsert_membership(&tx, &e.data, false).map(|_| "stored")
        }
        Event::OrganizationMembershipUpdated(e) => {
            upsert_membership(&tx, &e.data, false).map(|_| "stored")
        }
        Event::OrganizationMembershipDeleted(e) => {
            upsert_membership(&tx, &e.data, true).map(|_| "stored")
        }
        _ => Ok("ignored"),
    }?;
    tx.commit()?;
    Ok(Some(outcome))
}

async fn receive(
    State(app): State<App>,
    Verified(delivery): Verified<Event>,
) -> (StatusCode, Json<Value>) {
    let outcome = {
        let mut db = app
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        apply(&mut db, &delivery)
    };
    let status = match outcome {
        Ok(Some(outcome)) => outcome,
        Ok(None) => "duplicate",
        Err(e) => {
            eprintln!(
                "{} {}: database error: {e}",
                delivery.id,
                delivery.event.event_type()
            );
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"error": "database"})),
            );
        }
    };
    eprintln!("{} {} {status}", delivery.id, delivery.event.event_type());
    (StatusCode::OK, Json(json!({"status": status})))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = Verifier::from_env()?;
    let path = std::env::var("DATABASE_PATH").map_err(|_| "set DATABASE_PATH, the SQLite file")?;
    let db = Connection::open(&path)?;
    db.execute_batch(SCHEMA)?;
    let app = App {
        verifier,
        db: Arc::new(Mutex::new(db)),
    };
    let router = Router::new()
        .route("/webhooks", post(receive))
        .with_state(app);
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_string());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    eprintln!(
        "listening on http://{}, writing to {path}",
        listener.local_addr()?
    );
    axum::serve(listener, router).await?;
    Ok(())
}
