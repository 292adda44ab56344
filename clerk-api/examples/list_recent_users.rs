//! Lists the users created in the last 7 days, walking every page.
//!
//! ```sh
//! CLERK_SECRET_KEY=sk_test_… cargo run -p clerk-api --features v2026-05-12 --example list_recent_users
//! ```
//! Set `CLERK_API_URL` to run it against a mock server instead of Clerk.

use std::time::{SystemTime, UNIX_EPOCH};

use clerk_api::v2026_05_12 as clerk;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = clerk::Client::from_env()?;
    // Clerk's timestamps are milliseconds since the epoch.
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let params = clerk::users::ListParams::default()
        .created_at_after(now - 7 * 24 * 60 * 60 * 1000)
        .limit(100);
    let mut users = client.users().list(&params).stream();
    let mut count = 0;
    while let Some(user) = users.try_next().await? {
        count += 1;
        let email = user
            .email_addresses
            .first()
            .map(|e| e.email_address.as_str());
        println!("{}  {}  {}", user.id, user.created_at, email.unwrap_or("-"));
    }
    println!("{count} users created in the last 7 days");
    Ok(())
}
