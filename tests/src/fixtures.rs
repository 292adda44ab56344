//! Response bodies as Clerk sends them (2026-05-12), with every required
//! field, for tests that serve them from a mock server.

use serde_json::{Value, json};

/// A user with no identifiers and empty metadata.
pub fn user(id: &str) -> Value {
    json!({
        "id": id, "object": "user", "username": null, "first_name": null, "last_name": null,
        "has_image": false, "primary_email_address_id": null, "primary_phone_number_id": null,
        "primary_web3_wallet_id": null, "password_enabled": false, "two_factor_enabled": false,
        "totp_enabled": false, "backup_code_enabled": false, "email_addresses": [], "phone_numbers": [],
        "web3_wallets": [], "passkeys": [], "external_accounts": [], "saml_accounts": [],
        "enterprise_accounts": [], "public_metadata": {}, "external_id": null, "last_sign_in_at": null,
        "banned": false, "locked": false, "lockout_expires_in_seconds": null,
        "verification_attempts_remaining": null, "created_at": 1, "updated_at": 1,
        "delete_self_enabled": true, "create_organization_enabled": true, "last_active_at": null,
        "mfa_enabled_at": null, "mfa_disabled_at": null, "legal_accepted_at": null
    })
}

/// An organization named and slugged after its id.
pub fn organization(id: &str) -> Value {
    json!({
        "object": "organization", "id": id, "name": id, "slug": id, "has_image": false,
        "max_allowed_memberships": 5, "admin_delete_enabled": true, "public_metadata": {},
        "created_at": 1, "updated_at": 1
    })
}

/// A pending invitation of `email` to an organization as `role`.
pub fn organization_invitation(id: &str, email: &str, role: &str) -> Value {
    json!({
        "object": "organization_invitation", "id": id, "email_address": email, "role": role,
        "role_name": role, "status": "pending", "public_metadata": {}, "created_at": 1, "updated_at": 1
    })
}

/// A Clerk error body with one error.
pub fn clerk_error(code: &str, message: &str) -> Value {
    json!({
        "errors": [{"code": code, "message": message, "long_message": message, "meta": {}}],
        "clerk_trace_id": "trace_fixture"
    })
}
