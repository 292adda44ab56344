//! Deletes a user, and says so if there was no such user.
//!
//! ```sh
//! CLERK_SECRET_KEY=sk_test_… cargo run -p clerk-api --features v2026-05-12 --example delete_user -- user_123
//! ```
//! Set `CLERK_API_URL` to run it against a mock server.

use clerk_api::v2026_05_12 as clerk;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(user_id) = std::env::args().nth(1) else {
        return Err("usage: delete_user USER_ID".into());
    };
    let client = clerk::Client::from_env()?;
    match client.users().delete(&user_id).await {
        Ok(deleted) => println!(
            "deleted {}: {}",
            deleted.id.as_deref().unwrap_or(&user_id),
            deleted.deleted
        ),
        Err(e) if e.is_not_found() => println!("no user {user_id}"),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
