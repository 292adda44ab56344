//! Creates an organization and invites a member to it as `org:admin`.
//!
//! ```sh
//! CLERK_SECRET_KEY=sk_test_… cargo run -p clerk-api --features v2026-05-12 \
//!     --example create_organization -- user_123 new.admin@example.com
//! ```
//! The first argument is the creator's user id, the second the invitee's
//! email address. Set `CLERK_API_URL` to run it against a mock server.

use clerk_api::v2026_05_12::{self as clerk, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(creator), Some(invitee)) = (args.next(), args.next()) else {
        return Err("usage: create_organization CREATOR_USER_ID INVITEE_EMAIL".into());
    };
    let client = clerk::Client::from_env()?;

    let organization = types::CreateOrganizationBody::new("Acme Corp").created_by(creator.as_str());
    let organization = client.organizations().create(&organization).await?;
    println!("created {} ({})", organization.name, organization.id);

    let invitation =
        types::CreateOrganizationInvitationBody::new(invitee, "org:admin").inviter_user_id(creator);
    let invitation = client
        .organization_invitations()
        .create(&organization.id, &invitation)
        .await?;
    println!(
        "invited {} as {} ({})",
        invitation.email_address, invitation.role, invitation.id
    );
    Ok(())
}
