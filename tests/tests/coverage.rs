//! Every operation and every component schema of every pinned version
//! becomes Rust, deterministically, and the committed code is what the
//! generator makes of the pinned specs.

use codegen::model::{Api, TypeRef};
use tests::{pinned_spec, workspace_root};
use xtask::generate::{generate_version, overlays_for};

/// (version, operations, component schemas), counted upstream.
const COVERAGE: [(&str, usize, usize); 6] = [
    ("2021-02-05", 212, 136),
    ("2024-10-01", 219, 138),
    ("2025-03-12", 132, 82),
    ("2025-04-10", 219, 139),
    ("2025-11-10", 239, 163),
    ("2026-05-12", 249, 167),
];

fn generate(version: &str) -> (codegen::Generated, String) {
    let (pin, text) = pinned_spec(version);
    let overlays = overlays_for(&workspace_root(), xtask::lock::Kind::Bapi, version).unwrap();
    let generated = generate_version(
        &format!("specs/bapi/{}", pin.file_name()),
        &pin.sha256,
        &text,
        &overlays,
    )
    .unwrap();
    (generated, text)
}

fn component_schema_count(api: &Api) -> usize {
    api.component_schemas().count()
}

#[test]
fn every_operation_and_component_schema_of_every_version() {
    for (version, operations, schemas) in COVERAGE {
        let (generated, _) = generate(version);
        let api = &generated.api;
        assert_eq!(api.version, version);
        assert_eq!(api.operations.len(), operations, "{version}: operations");
        assert_eq!(
            component_schema_count(api),
            schemas,
            "{version}: component schemas"
        );

        // Each operation has its own method: no two share group and name.
        let mut names: Vec<(&str, &str)> = api
            .operations
            .iter()
            .map(|o| (o.group.as_str(), o.name.as_str()))
            .collect();
        names.dedup();
        assert_eq!(
            names.len(),
            operations,
            "{version}: method names are unique"
        );

        // Untyped JSON only where the schema is free-form.
        for place in &api.untyped {
            assert!(
                place.reason.starts_with("free-form object")
                    || place.reason.starts_with("schema without a type"),
                "{version}: {place:?}"
            );
        }
    }
}

#[test]
fn every_operation_has_one_error_type() {
    // 17 operations of 2025-11-10 declare more than one error schema
    // (progenitor panics on them): inline copies of the Clerk error shape,
    // which specs/overlays/all.yaml points at ClerkErrors, and two that
    // mix an empty body with ClerkErrors.
    for (version, _, _) in COVERAGE {
        let (generated, _) = generate(version);
        for op in &generated.api.operations {
            if op
                .responses
                .iter()
                .any(|r| !r.status.is_success() && r.ty.is_some())
            {
                assert_eq!(
                    op.error,
                    Some(TypeRef::Named("ClerkErrors".into())),
                    "{version} {}",
                    op.id
                );
            }
        }
    }
}

#[test]
fn generation_is_byte_identical_and_matches_the_committed_code() {
    let crate_dir = tests::workspace_root().join("clerk-api/src");
    for (version, _, _) in COVERAGE {
        let (first, text) = generate(version);
        let (second, _) = generate(version);
        assert_eq!(first.files, second.files, "{version}: two runs differ");
        for file in &first.files {
            let committed = std::fs::read_to_string(crate_dir.join(&file.path)).unwrap_or_default();
            assert!(
                committed == file.contents,
                "{version}: clerk-api/src/{} is stale: run `cargo xtask gen`",
                file.path
            );
        }
        drop(text);
    }
}

#[test]
fn a_spec_cut_anywhere_is_an_error_not_a_panic() {
    let (_, text) = pinned_spec("2025-03-12");
    let overlays = overlays_for(&workspace_root(), xtask::lock::Kind::Bapi, "2025-03-12").unwrap();
    let mut errors = 0;
    for i in 1..40 {
        let mut cut = text.len() * i / 40;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        // Any outcome but a panic is fine: most cuts leave dangling $refs
        // or broken YAML, a few may still make a (smaller) valid spec.
        if generate_version("cut.yml", "", &text[..cut], &overlays).is_err() {
            errors += 1;
        }
    }
    assert!(errors > 0);
}
