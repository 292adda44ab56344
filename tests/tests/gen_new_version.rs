//! `cargo xtask gen --version V` for a version that `clerk-api` does not
//! have yet (a Backend API version and a webhooks version) adds its module,
//! its entry in `versions.rs` (`events/versions.rs`) and its feature, its
//! conformance plan and the `tests` crate's feature, and keeps the versions
//! already there.

use std::path::Path;

use tests::{pinned_spec_of, workspace_root};
use xtask::generate::{check, generate, stale_files, write};
use xtask::lock::{Kind, Lock, SpecPaths};

#[test]
fn a_new_version_gets_its_module_and_feature() {
    // A scratch workspace: the real lock and manifest, no version modules
    // but an existing 2021-02-05 one, specs fetched as gen fetches them.
    let root = tempfile::tempdir().unwrap();
    let workspace = root.path();
    let lock = Lock::load(&workspace_root().join("specs/specs.lock")).unwrap();
    let paths = SpecPaths::in_workspace(workspace);
    for (kind, version) in [(Kind::Bapi, "2025-03-12"), (Kind::Webhooks, "2025-04-15")] {
        let (pin, text) = pinned_spec_of(kind, version);
        std::fs::create_dir_all(paths.dir(kind)).unwrap();
        std::fs::write(paths.dir(kind).join(pin.file_name()), text).unwrap();
    }
    let crate_dir = workspace.join("clerk-api");
    std::fs::create_dir_all(crate_dir.join("src/v2021_02_05")).unwrap();
    std::fs::write(crate_dir.join("src/v2021_02_05/mod.rs"), "// @generated\n").unwrap();
    let manifest = "[package]\nname = \"clerk-api\"\nversion = \"0.1.0\"\n\n[features]\ndefault = []\nv2021-02-05 = []\nrustls = []\n";
    std::fs::write(crate_dir.join("Cargo.toml"), manifest).unwrap();
    let tests_dir = workspace.join("tests");
    std::fs::create_dir_all(&tests_dir).unwrap();
    let tests_manifest =
        "[package]\nname = \"tests\"\n\n[features]\nv2021-02-05 = [\"clerk-api/v2021-02-05\"]\n";
    std::fs::write(tests_dir.join("Cargo.toml"), tests_manifest).unwrap();

    let versions = vec![
        (Kind::Bapi, "2025-03-12".to_string()),
        (Kind::Webhooks, "2025-04-15".to_string()),
    ];
    let (files, reports) = generate(&lock, &paths, workspace, &versions).unwrap();
    assert_eq!(reports[0].api.operations.len(), 132);
    assert_eq!(reports[1].api.events.len(), 45);
    let stale = stale_files(workspace, &files, &versions);
    assert!(
        !check(workspace, &files, &stale).is_empty(),
        "nothing generated yet"
    );
    write(workspace, &files, &stale).unwrap();
    assert!(
        check(workspace, &files, &stale).is_empty(),
        "written files match"
    );

    assert!(crate_dir.join("src/v2025_03_12/mod.rs").is_file());
    let versions_rs = std::fs::read_to_string(crate_dir.join("src/versions.rs")).unwrap();
    assert!(
        versions_rs.contains("#[cfg(feature = \"v2021-02-05\")]"),
        "{versions_rs}"
    );
    assert!(
        versions_rs.contains("#[cfg(feature = \"v2025-03-12\")]"),
        "{versions_rs}"
    );
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    for feature in [
        "v2021-02-05 = []",
        "v2025-03-12 = []",
        "events-2025-04-15 = [\"events\"]",
        "rustls = []",
        "default = []",
    ] {
        assert!(
            manifest.contains(feature),
            "{feature} missing from:\n{manifest}"
        );
    }
    assert!(Path::new(&crate_dir.join("src/v2025_03_12/types.rs")).is_file());
    let events = std::fs::read_to_string(crate_dir.join("src/events/versions.rs")).unwrap();
    assert!(
        events.contains("#[cfg(feature = \"events-2025-04-15\")]"),
        "{events}"
    );
    let module = std::fs::read_to_string(crate_dir.join("src/events/v2025_04_15/mod.rs")).unwrap();
    assert!(
        module.contains("UserCreated(types::UserCreatedEvent)"),
        "{module:.400}"
    );

    let plan = std::fs::read_to_string(tests_dir.join("conformance/v2025_03_12.rs")).unwrap();
    assert_eq!(
        plan.matches("super::Call {").count(),
        132,
        "one entry per operation"
    );
    let index = std::fs::read_to_string(tests_dir.join("conformance/mod.rs")).unwrap();
    for module in ["pub mod v2021_02_05;", "pub mod v2025_03_12;"] {
        assert!(index.contains(module), "{module} missing from:\n{index}");
    }
    let manifest = std::fs::read_to_string(tests_dir.join("Cargo.toml")).unwrap();
    for feature in [
        "v2021-02-05 = [\"clerk-api/v2021-02-05\"]",
        "v2025-03-12 = [\"clerk-api/v2025-03-12\"]",
        "events-2025-04-15 = [\"clerk-api/events-2025-04-15\"]",
    ] {
        assert!(
            manifest.contains(feature),
            "{feature} missing from:\n{manifest}"
        );
    }
}
