//! Clerk's conventions are declared in `specs/overlays/bapi.yaml`
//! (`x-clerk-pagination`, `x-clerk-destructive`, `x-clerk-metadata`), not
//! guessed from names by the generator. These guards look at every pinned
//! version and fail when an operation that has the shape of a convention
//! has no declaration, so that a new list, delete or metadata operation of
//! a new version cannot slip through as an ordinary call.

use codegen::model::{Api, Method, Operation, ParamLocation};
use tests::{pinned_spec, workspace_root};
use xtask::generate::{generate_version, overlays_for};
use xtask::lock::Kind;

const VERSIONS: [&str; 6] = [
    "2021-02-05",
    "2024-10-01",
    "2025-03-12",
    "2025-04-10",
    "2025-11-10",
    "2026-05-12",
];

/// The version's model, its overlay passed through `edit` first.
fn api(version: &str, edit: impl Fn(&str) -> String) -> Api {
    let (pin, text) = pinned_spec(version);
    let mut overlays = overlays_for(&workspace_root(), Kind::Bapi, version).unwrap();
    for overlay in &mut overlays {
        overlay.text = edit(&overlay.text);
    }
    generate_version("spec.yml", &pin.sha256, &text, &overlays)
        .unwrap()
        .api
}

/// A list operation: it takes optional `limit` and `offset` query
/// parameters.
fn lists(op: &Operation) -> bool {
    let optional_query = |name: &str| {
        op.params
            .iter()
            .any(|p| p.name == name && p.location == ParamLocation::Query && !p.required)
    };
    optional_query("limit") && optional_query("offset")
}

/// A `DELETE`, or an operation that revokes, bans or locks (as whole words
/// of its method name: `unban_user` restores, it does not destroy).
fn destroys(op: &Operation) -> bool {
    op.method == Method::Delete
        || op
            .name
            .split('_')
            .any(|word| matches!(word, "revoke" | "ban" | "lock"))
}

/// A write of `…/metadata` with a body.
fn writes_metadata(op: &Operation) -> bool {
    op.path.ends_with("/metadata") && op.body.is_some()
}

/// `version id` of every operation that has the shape but no declaration.
fn undeclared(apis: &[(&str, Api)]) -> [Vec<String>; 3] {
    let mut missing: [Vec<String>; 3] = Default::default();
    for (version, api) in apis {
        for op in &api.operations {
            let at = format!("{version} {}", op.id);
            if lists(op) && op.pagination.is_none() {
                missing[0].push(at.clone());
            }
            if destroys(op) && op.destructive.is_none() {
                missing[1].push(at.clone());
            }
            if writes_metadata(op) && op.metadata.is_none() {
                missing[2].push(at);
            }
        }
    }
    missing
}

#[test]
fn every_list_delete_and_metadata_operation_is_declared() {
    let apis: Vec<(&str, Api)> = VERSIONS
        .iter()
        .map(|v| (*v, api(v, str::to_string)))
        .collect();
    let [pagination, destructive, metadata] = undeclared(&apis);
    assert!(
        pagination.is_empty(),
        "list operations (optional limit and offset) without x-clerk-pagination: {pagination:#?}"
    );
    assert!(
        destructive.is_empty(),
        "DELETE, revoke, ban or lock operations without x-clerk-destructive: {destructive:#?}"
    );
    assert!(
        metadata.is_empty(),
        "metadata writes without x-clerk-metadata: {metadata:#?}"
    );

    // And the declarations are there to be read.
    let newest = &apis.last().unwrap().1;
    let op = |id: &str| newest.operations.iter().find(|o| o.id == id).unwrap();
    assert!(
        op("DeleteUser")
            .destructive
            .as_deref()
            .is_some_and(|what| what.contains("sessions")),
        "{:?}",
        op("DeleteUser").destructive
    );
    let users = op("GetUserList").pagination.as_ref().unwrap();
    assert!(users.items.is_none());
    assert_eq!(users.cursor.as_ref().unwrap().param, "starting_after");
}

/// The guards can fail: with the declarations taken out of the overlay,
/// each of them reports the operations that lost theirs.
#[test]
fn the_guards_catch_operations_whose_declaration_is_removed() {
    let without = |extension: &'static str| {
        move |overlay: &str| {
            let mut kept = String::new();
            for (i, action) in overlay.split("\n  - target: ").enumerate() {
                if i > 0 && action.contains(&format!("      {extension}:")) {
                    continue;
                }
                if i > 0 {
                    kept.push_str("\n  - target: ");
                }
                kept.push_str(action);
            }
            kept
        }
    };
    for (extension, index) in [
        ("x-clerk-pagination", 0),
        ("x-clerk-destructive", 1),
        ("x-clerk-metadata", 2),
    ] {
        let apis = [("2026-05-12", api("2026-05-12", without(extension)))];
        let missing = &undeclared(&apis)[index];
        assert!(
            missing.len() >= 5,
            "{extension}: only {missing:?} reported without the declarations"
        );
    }
}

/// Error bodies read as plain JSON (the CLI's calls, `Config::json_call`)
/// are read by `impl ErrorBody for serde_json::Value`; every error type of
/// every version declares its shape with `x-clerk-error-body`, and this
/// holds the reading to each declaration: a body built from the declared
/// field names gives back its code, message and trace id.
#[test]
fn plain_json_error_bodies_are_read_as_every_version_declares() {
    use clerk_api::ErrorBody;
    use codegen::model::TypeKind;
    use serde_json::{Value, json};
    for version in VERSIONS {
        let api = api(version, str::to_string);
        let declared: Vec<_> = api
            .types
            .values()
            .filter_map(|t| match &t.kind {
                TypeKind::Struct(s) => s.error_body.clone(),
                _ => None,
            })
            .collect();
        assert!(!declared.is_empty(), "{version} declares no error body");
        for shape in declared {
            let mut entry = json!({});
            entry[&shape.code] = json!("form_identifier_exists");
            entry[&shape.message] = json!("short");
            let mut body = json!({});
            if let Some(long) = &shape.long_message {
                entry[long] = json!("the long message");
            }
            body[&shape.list] = Value::Array(vec![entry]);
            if let Some(trace) = &shape.trace_id {
                body[trace] = json!("trace_1");
            }
            let message = if shape.long_message.is_some() {
                "the long message"
            } else {
                "short"
            };
            assert_eq!(
                body.code(),
                Some("form_identifier_exists"),
                "{version}: {shape:?}"
            );
            assert_eq!(body.message(), Some(message), "{version}: {shape:?}");
            assert_eq!(
                body.trace_id(),
                shape.trace_id.as_ref().map(|_| "trace_1"),
                "{version}: {shape:?}"
            );
        }
    }
}
