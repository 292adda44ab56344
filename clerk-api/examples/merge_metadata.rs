//! Merges `{"plan": "pro", "onboarded": true}` into a user's public
//! metadata, keeping the keys already there.
//!
//! `PATCH /users/{id}/metadata` (`users().merge_metadata`) deep-merges:
//! keys not sent are kept, a key sent as `null` is removed. By contrast,
//! `PATCH /users/{id}` (`users().update`) replaces each metadata object
//! it is given as a whole. See `clerk_api::Metadata` for the table of the
//! three metadata kinds.
//!
//! ```sh
//! CLERK_SECRET_KEY=sk_test_… cargo run -p clerk-api --features v2026-05-12 --example merge_metadata -- user_123
//! ```
//! Set `CLERK_API_URL` to run it against a mock server.

use clerk_api::v2026_05_12::{self as clerk, types};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(user_id) = std::env::args().nth(1) else {
        return Err("usage: merge_metadata USER_ID".into());
    };
    let client = clerk::Client::from_env()?;
    let body = types::UpdateUserMetadataBody::default()
        .public_metadata(json!({"plan": "pro", "onboarded": true}));
    let user = client.users().merge_metadata(&user_id, &body).await?;
    println!(
        "{}: public metadata is now {}",
        user.id,
        serde_json::Value::Object(user.public_metadata)
    );
    Ok(())
}
