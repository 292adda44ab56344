//! The generated structs' JSON shape, read and written by the impls the
//! generator writes out (not derived): the same rules as serde's derive
//! for everything Clerk sends, and arrays refused where an object is due.

use clerk_api::Nullable;
use clerk_api::v2026_05_12::types::{AddDomainBody, DeletedObject, User};
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

fn decode_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

#[test]
fn required_optional_and_unknown_fields() {
    let deleted: DeletedObject =
        decode(json!({"object": "user", "deleted": true, "id": "user_1", "later": [1, {"x": 2}]}))
            .unwrap();
    assert_eq!(deleted.object, "user");
    assert!(deleted.deleted);
    assert_eq!(deleted.id.as_deref(), Some("user_1"));
    // Absent and null optional fields are both `None`.
    assert_eq!(deleted.slug, None);
    let with_null: DeletedObject =
        decode(json!({"object": "user", "deleted": true, "slug": null})).unwrap();
    assert_eq!(with_null.slug, None);

    let missing = decode::<DeletedObject>(json!({"object": "user"})).unwrap_err();
    assert_eq!(missing, "missing field `deleted`");
    let wrong = decode::<DeletedObject>(json!({"object": "user", "deleted": "yes"})).unwrap_err();
    assert!(
        wrong.contains("invalid type: string \"yes\", expected a boolean"),
        "{wrong}"
    );
}

#[test]
fn a_field_twice_is_an_error_as_with_the_derive() {
    let twice =
        decode_text::<DeletedObject>(r#"{"object": "user", "deleted": true, "object": "x"}"#)
            .unwrap_err();
    assert!(twice.starts_with("duplicate field `object`"), "{twice}");
}

#[test]
fn escaped_keys_are_read_like_plain_ones() {
    // `\u0064eleted` is `deleted`: the key cannot be borrowed from the input.
    let deleted: DeletedObject =
        decode_text(r#"{"object": "user", "\u0064eleted": true}"#).unwrap();
    assert!(deleted.deleted);
}

#[test]
fn only_an_object_is_a_struct() {
    // serde's derive would also read a struct from an array of its fields
    // in order; nothing Clerk sends is shaped that way.
    let array = decode_text::<DeletedObject>(r#"["user", null, null, true, null]"#).unwrap_err();
    assert!(
        array.contains("invalid type: sequence, expected struct DeletedObject"),
        "{array}"
    );
    let number = decode_text::<DeletedObject>("42").unwrap_err();
    assert!(number.contains("expected struct DeletedObject"), "{number}");
}

#[test]
fn writing_leaves_out_unset_fields_and_keeps_null_apart() {
    let deleted: DeletedObject = decode(json!({"object": "user", "deleted": true})).unwrap();
    assert_eq!(
        serde_json::to_value(&deleted).unwrap(),
        json!({"object": "user", "deleted": true})
    );

    let absent = AddDomainBody::new("example.com", true);
    assert_eq!(
        serde_json::to_value(&absent).unwrap(),
        json!({"name": "example.com", "is_satellite": true})
    );
    let null = AddDomainBody::new("example.com", true).proxy_url(None);
    assert_eq!(
        serde_json::to_value(&null).unwrap(),
        json!({"name": "example.com", "is_satellite": true, "proxy_url": null})
    );
    let value = AddDomainBody::new("example.com", true).proxy_url("https://proxy.example.com");
    let written = serde_json::to_value(&value).unwrap();
    assert_eq!(written["proxy_url"], "https://proxy.example.com");
    // And back: absent, null and a value stay apart when read.
    let read: AddDomainBody = decode(written).unwrap();
    assert_eq!(
        read.proxy_url,
        Nullable::Value("https://proxy.example.com".into())
    );
    let read: AddDomainBody =
        decode(json!({"name": "example.com", "is_satellite": true, "proxy_url": null})).unwrap();
    assert_eq!(read.proxy_url, Nullable::Null);
    let read: AddDomainBody = decode(json!({"name": "example.com", "is_satellite": true})).unwrap();
    assert_eq!(read.proxy_url, Nullable::Absent);
}

/// A user as Clerk's spec example gives it, read and written back: every
/// field the type has comes back as sent.
#[test]
fn a_user_reads_and_writes_back_unchanged() {
    let sent = json!({
        "id": "user_1", "object": "user", "external_id": null,
        "primary_email_address_id": "idn_1", "primary_phone_number_id": null,
        "primary_web3_wallet_id": null, "username": "ada", "first_name": "Ada",
        "last_name": null, "image_url": "https://img.clerk.com/x", "has_image": false,
        "public_metadata": {"plan": "pro"}, "private_metadata": null, "unsafe_metadata": {},
        "email_addresses": [{
            "id": "idn_1", "object": "email_address", "email_address": "ada@example.com",
            "reserved": false, "linked_to": [], "created_at": 1, "updated_at": 2,
            "verification": {"object": "verification_otp", "status": "verified",
                             "strategy": "email_code", "attempts": 1, "expire_at": 3}
        }],
        "phone_numbers": [], "web3_wallets": [], "passkeys": [],
        "password_enabled": true, "two_factor_enabled": false, "totp_enabled": false,
        "backup_code_enabled": false, "mfa_enabled_at": null, "mfa_disabled_at": null,
        "external_accounts": [], "saml_accounts": [], "enterprise_accounts": [],
        "last_sign_in_at": 5, "banned": false, "locked": false,
        "lockout_expires_in_seconds": null, "verification_attempts_remaining": 100,
        "created_at": 1, "updated_at": 2, "delete_self_enabled": true,
        "create_organization_enabled": true, "last_active_at": null,
        "legal_accepted_at": null
    });
    let user: User = decode(sent.clone()).unwrap();
    assert_eq!(
        user.primary_email_address().unwrap().email_address,
        "ada@example.com"
    );
    let written = serde_json::to_value(&user).unwrap();
    let Value::Object(written) = written else {
        panic!("a user is written as an object")
    };
    for (key, value) in written {
        assert_eq!(
            sent.get(&key),
            Some(&value),
            "field `{key}` comes back as sent"
        );
    }
}
