//! Golden tests: each small spec in `tests/golden/<name>.yaml` covers a
//! few constructs, and the code the generator makes of it is committed
//! beside it in `tests/golden/<name>/`. A change of the generator shows as
//! a small diff of that expected output, reviewed with the change.
//!
//! After an intended change: `GOLDEN_UPDATE=1 cargo test -p codegen --test
//! golden`, then read the diff.

use std::path::{Path, PathBuf};

use codegen::emit::Provenance;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The files the generator makes of one golden spec: the version module's
/// files, keyed by their path under the expected folder.
fn generate(spec: &Path) -> Vec<(PathBuf, String)> {
    let text = std::fs::read_to_string(spec).unwrap();
    let name = spec.file_name().unwrap().to_string_lossy().into_owned();
    let generated = codegen::generate(
        &text,
        &[],
        &Provenance {
            spec_file: format!("codegen/tests/golden/{name}"),
            sha256: "0".repeat(64),
            overlays: Vec::new(),
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    generated
        .files
        .into_iter()
        .map(|f| {
            // `v2099_01_01/users.rs` → `users.rs`: one version per spec.
            let path = Path::new(&f.path);
            let file = path.strip_prefix(path.iter().next().unwrap()).unwrap();
            (file.to_path_buf(), f.contents)
        })
        .collect()
}

/// The first line where `expected` and `actual` differ, with context.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    format!(
        "line {}:\n  expected: {:?}\n  actual:   {:?}",
        at + 1,
        e.get(at).unwrap_or(&"(end of file)"),
        a.get(at).unwrap_or(&"(end of file)")
    )
}

#[test]
fn generated_code_matches_the_committed_expectations() {
    let update = std::env::var_os("GOLDEN_UPDATE").is_some();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 4, "golden specs: {specs:?}");
    let mut stale = Vec::new();
    for spec in &specs {
        let dir = spec.with_extension("");
        let files = generate(spec);
        if update {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
        }
        let mut expected_names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .map(|e| PathBuf::from(e.unwrap().file_name()))
                    .collect()
            })
            .unwrap_or_default();
        expected_names.sort();
        let mut made: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
        made.sort();
        if !update && expected_names != made {
            stale.push(format!(
                "{}: expected files {expected_names:?}, generated {made:?}",
                dir.display()
            ));
            continue;
        }
        for (file, contents) in &files {
            let path = dir.join(file);
            if update {
                std::fs::write(&path, contents).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if &expected != contents {
                stale.push(format!(
                    "{}: {}",
                    path.display(),
                    first_difference(&expected, contents)
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "the generated code differs from the golden files (if intended: GOLDEN_UPDATE=1 cargo test -p codegen --test golden):\n{}",
        stale.join("\n")
    );
}

/// The golden test can fail: a changed byte of an expected file is found.
#[test]
fn a_changed_expectation_is_reported() {
    let spec = golden_dir().join("bodies.yaml");
    let files = generate(&spec);
    let (_, contents) = files.iter().find(|(p, _)| p.ends_with("types.rs")).unwrap();
    let altered = contents.replacen("pub name: String", "pub name: Strin", 1);
    assert_ne!(&altered, contents);
    assert!(first_difference(&altered, contents).contains("pub name"));
}
