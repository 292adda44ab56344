//! `cargo xtask diff` on real pairs of specs from the mirror: headline
//! counts against counts computed here from the raw documents, changes
//! known to exist found with the right severity, and the three output
//! formats.

use std::collections::BTreeSet;

use codegen::diff::{Report, Severity};
use tests::{spec_mirror, workspace_root};
use xtask::diff::{Format, Side, model, render, spec_file};
use xtask::fetch::Fetcher;
use xtask::lock::{Kind, Lock, SpecPaths};
use xtask::source::Source;

/// The spec file of `side` ("2025-04-10" or "2025-11-10@f8ab645c") of the
/// Backend API, fetched from the mirror into a scratch folder.
fn fetch(side: &str, scratch: &std::path::Path) -> std::path::PathBuf {
    let lock = Lock::load(&workspace_root().join("specs/specs.lock")).unwrap();
    let paths = SpecPaths {
        lock: workspace_root().join("specs/specs.lock"),
        root: scratch.join("pinned"),
    };
    let fetcher =
        || -> anyhow::Result<Fetcher> { Ok(Fetcher::new(Source::Folder(spec_mirror()))?) };
    spec_file(
        &Side::parse(side).unwrap(),
        Kind::Bapi,
        &lock,
        &paths,
        &fetcher,
        &scratch.join("cache"),
    )
    .unwrap()
}

/// Operations by `METHOD path` and by operationId, and component schema
/// names, read from the raw document.
struct Raw {
    by_path: BTreeSet<String>,
    by_id: BTreeSet<String>,
    schemas: BTreeSet<String>,
}

fn raw(path: &std::path::Path) -> Raw {
    let spec = codegen::load::load("raw", &std::fs::read_to_string(path).unwrap()).unwrap();
    let mut by_path = BTreeSet::new();
    let mut by_id = BTreeSet::new();
    for (p, item) in &spec.paths.paths {
        for (method, op) in item.as_item().unwrap().iter() {
            by_path.insert(format!("{} {p}", method.to_uppercase()));
            by_id.insert(op.operation_id.clone().unwrap());
        }
    }
    let schemas = spec
        .components
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    Raw {
        by_path,
        by_id,
        schemas,
    }
}

fn compare(old: &str, new: &str) -> (Report, Raw, Raw) {
    let scratch = tempfile::tempdir().unwrap();
    let (old_file, new_file) = (fetch(old, scratch.path()), fetch(new, scratch.path()));
    let report = codegen::diff::diff(
        &model(&old_file, &workspace_root(), None).unwrap(),
        &model(&new_file, &workspace_root(), None).unwrap(),
    );
    // Every format renders; the JSON parses and carries the counts.
    let json = render(&report, old, new, Format::Json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["format"], 1);
    assert_eq!(
        value["changes"].as_array().unwrap().len(),
        report.changes.len()
    );
    let markdown = render(&report, old, new, Format::Markdown);
    assert!(markdown.starts_with(&format!("## Clerk Backend API {old} → {new}")));
    let text = render(&report, old, new, Format::Text { color: false });
    assert!(!text.contains('\x1b'));
    (report, raw(&old_file), raw(&new_file))
}

/// Checks the report's headline counts against the raw documents.
fn counts_match(report: &Report, old: &Raw, new: &Raw) {
    let moved = report.operations.moved.unwrap_or(0);
    assert_eq!(
        report.operations.added + moved,
        new.by_path.difference(&old.by_path).count()
    );
    assert_eq!(
        report.operations.removed + moved,
        old.by_path.difference(&new.by_path).count()
    );
    assert_eq!(
        report.operations.added,
        new.by_id.difference(&old.by_id).count()
    );
    assert_eq!(
        report.operations.removed,
        old.by_id.difference(&new.by_id).count()
    );
    assert_eq!(
        report.schemas.added,
        new.schemas.difference(&old.schemas).count()
    );
    assert_eq!(
        report.schemas.removed,
        old.schemas.difference(&new.schemas).count()
    );
}

fn has(report: &Report, rule: &str, severity: Severity, place: &str) {
    let found = report.changes.iter().any(|c| {
        c.rule == rule
            && c.severity == severity
            && format!("{} › {}: {}", c.subject, c.location, c.detail).contains(place)
    });
    assert!(found, "no {rule} ({severity:?}) at {place:?}");
}

#[test]
fn v2025_04_10_to_v2025_11_10_shows_what_clerk_declared_breaking() {
    let (report, old, new) = compare("2025-04-10", "2025-11-10");
    counts_match(&report, &old, &new);
    // Measured independently (and by Optic): 23 added, 3 removed, all 3 moves.
    assert_eq!(report.operations.added + 3, 23);
    assert_eq!(report.operations.moved, Some(3));
    assert_eq!(report.operations.removed, 0);
    assert_eq!((report.schemas.added, report.schemas.removed), (24, 0));

    let warning = Severity::Warning;
    let breaking = Severity::Breaking;
    for moved in [
        "GET /billing/plans (GetCommercePlanList)",
        "GET /billing/subscription_items (GetCommerceSubscriptionItemList)",
        "DELETE /billing/subscription_items/{subscription_item_id}",
    ] {
        has(&report, "operation-moved", warning, moved);
    }
    for field in [
        "amount",
        "amount_formatted",
        "annual_amount",
        "annual_amount_formatted",
        "annual_monthly_amount",
        "annual_monthly_amount_formatted",
        "currency",
        "currency_symbol",
        "payer_type",
        "interval",
        "period",
    ] {
        has(
            &report,
            "response-property-removed",
            breaking,
            &format!("schema CommercePlan › {field}:"),
        );
    }
    has(
        &report,
        "response-property-became-nullable",
        breaking,
        "schema CommercePlan › description:",
    );
    has(
        &report,
        "response-property-became-nullable",
        breaking,
        "schema CommercePlan › avatar_url:",
    );
    has(
        &report,
        "response-property-became-optional",
        breaking,
        "schema CommercePlan › features:",
    );
    has(
        &report,
        "response-property-removed",
        breaking,
        "schema CommerceSubscriptionItem › next_invoice:",
    );
    has(
        &report,
        "response-property-became-nullable",
        breaking,
        "schema CommerceSubscriptionItem › plan_id:",
    );
    has(
        &report,
        "response-property-removed",
        breaking,
        "schema CommerceSubscriptionNextPayment › time:",
    );
    // The duplicated `-2` schemas are new names, not type changes of the
    // originals: no `schema CommercePlan` change says its type changed.
    assert!(
        !report
            .changes
            .iter()
            .any(|c| c.rule == "response-type-changed"
                && c.subject.starts_with("schema CommercePlan"))
    );
}

#[test]
fn v2024_10_01_to_v2025_04_10_removes_a_deprecated_operation_and_adds_pending() {
    let (report, old, new) = compare("2024-10-01", "2025-04-10");
    counts_match(&report, &old, &new);
    assert_eq!((report.operations.added, report.operations.removed), (1, 1));
    has(
        &report,
        "deprecated-operation-removed",
        Severity::Warning,
        "POST /sessions/{session_id}/verify (VerifySession)",
    );
    has(
        &report,
        "response-enum-value-added",
        Severity::Breaking,
        "schema Session › status: value `pending` added",
    );
}

#[test]
fn v2025_11_10_to_v2026_05_12_removes_metadata_from_the_updates() {
    let (report, old, new) = compare("2025-11-10", "2026-05-12");
    counts_match(&report, &old, &new);
    assert_eq!(
        (report.operations.added, report.operations.removed),
        (10, 0)
    );
    assert_eq!((report.schemas.added, report.schemas.removed), (4, 0));
    // What Clerk declared for 2026-05-12: metadata leaves `PATCH /users/{id}`
    // and `PATCH /organizations/{id}`, and only that breaks.
    let breaking: BTreeSet<String> = report
        .changes
        .iter()
        .filter(|c| c.severity == Severity::Breaking)
        .map(|c| format!("{} › {}", c.subject, c.location))
        .collect();
    let mut expected = BTreeSet::new();
    for (op, body, fields) in [
        (
            "PATCH /users/{user_id} (UpdateUser)",
            "UpdateUserBody",
            &["private_metadata", "public_metadata", "unsafe_metadata"][..],
        ),
        (
            "PATCH /organizations/{organization_id} (UpdateOrganization)",
            "UpdateOrganizationBody",
            &["private_metadata", "public_metadata"][..],
        ),
    ] {
        for field in fields {
            expected.insert(format!("{op} › request body.{field}"));
            expected.insert(format!("types::{body} › {field}"));
        }
    }
    assert_eq!(breaking, expected);
}

#[test]
fn one_version_at_two_refs() {
    let (report, old, new) = compare("2025-11-10@f8ab645c", "2025-11-10@7987d1b7");
    counts_match(&report, &old, &new);
    assert!(report.operations.added > 0, "{:?}", report.operations);
}

#[test]
fn a_version_compared_with_itself_reports_nothing() {
    let (report, _, _) = compare("2025-11-10", "2025-11-10");
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    assert_eq!(report.worst(), None);
}

#[test]
fn two_revisions_of_the_webhooks_document() {
    // The second revision is the first, edited: `sms.created` is gone, a
    // `user.banned` event is new, and `session.ended` has lost a property
    // of its payload's envelope.
    let (_, text) = tests::pinned_spec_of(Kind::Webhooks, "2025-04-15");
    let old = codegen::load::parse("webhooks.yml", &text).unwrap();
    let mut new = old.clone();
    let events = new["x-webhooks"].as_object_mut().unwrap();
    events.remove("sms.created");
    let copy = events["user.updated"].clone();
    events.insert("user.banned".into(), copy);
    let envelope = &mut new["components"]["schemas"]["WebhookEventPayload"]["properties"];
    envelope.as_object_mut().unwrap().remove("instance_id");
    let scratch = tempfile::tempdir().unwrap();
    let files: Vec<std::path::PathBuf> = [("old", &old), ("new", &new)]
        .into_iter()
        .map(|(name, doc)| {
            let file = scratch.path().join(format!("{name}.yml"));
            std::fs::write(&file, serde_json::to_string(doc).unwrap()).unwrap();
            file
        })
        .collect();
    let models: Vec<_> = files
        .iter()
        .map(|f| model(f, &workspace_root(), Some("2025-04-15")).unwrap())
        .collect();
    assert_eq!(models[0].events.len(), 45);
    let report = codegen::diff::diff(&models[0], &models[1]);
    assert_eq!(
        (report.events.added, report.events.removed),
        (1, 1),
        "{:?}",
        report.events
    );
    has(&report, "event-added", Severity::Info, "event user.banned");
    has(
        &report,
        "event-removed",
        Severity::Breaking,
        "event sms.created",
    );
    has(
        &report,
        "response-property-removed",
        Severity::Breaking,
        "schema WebhookEventPayload › instance_id",
    );
    has(
        &report,
        "rust-variant-removed",
        Severity::Breaking,
        "Event::SmsCreated",
    );
    let text = render(&report, "a", "b", Format::Text { color: false });
    assert!(text.contains("events: 1 added, 1 removed"), "{text}");
    assert!(text.contains("Webhook events"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&render(&report, "a", "b", Format::Json)).unwrap();
    assert_eq!(json["events"]["added"], 1);
}
