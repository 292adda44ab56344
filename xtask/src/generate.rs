//! `cargo xtask gen`: `specs/bapi/<V>.yml` → `clerk-api/src/v<V>/` (through
//! `codegen`), plus the crate's list of version modules and features, and
//! the conformance plan `tests/conformance/v<V>.rs` with the `tests`
//! crate's matching features.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use codegen::emit::Provenance;
use codegen::load::OverlayText;

use crate::fetch::file_sha256;
use crate::fsutil::write_atomic;
use crate::lock::{Lock, is_version};

/// The files `gen` owns, by path relative to the workspace.
pub type FileSet = BTreeMap<PathBuf, String>;

/// What generating one version produced.
pub struct VersionReport {
    pub version: String,
    pub api: codegen::model::Api,
    pub overlays: Vec<codegen::overlay::Applied>,
}

/// An overlay file: its path relative to the workspace, text and sha256.
pub struct Overlay {
    pub file: String,
    pub text: String,
    pub sha256: String,
}

/// The overlays of a version, in the order they apply:
/// `specs/overlays/all.yaml`, then `specs/overlays/<version>.yaml`.
pub fn overlays_for(workspace: &Path, version: &str) -> Result<Vec<Overlay>> {
    let mut overlays = Vec::new();
    for name in ["all".to_string(), version.to_string()] {
        let file = format!("specs/overlays/{name}.yaml");
        let path = workspace.join(&file);
        if !path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let sha256 = crate::fetch::sha256_hex(text.as_bytes());
        overlays.push(Overlay { file, text, sha256 });
    }
    Ok(overlays)
}

/// Generates one version from its spec text and overlays.
pub fn generate_version(
    spec_file: &str,
    sha256: &str,
    text: &str,
    overlays: &[Overlay],
) -> Result<codegen::Generated> {
    let provenance = Provenance {
        spec_file: spec_file.to_string(),
        sha256: sha256.to_string(),
        overlays: overlays
            .iter()
            .map(|o| (o.file.clone(), o.sha256.clone()))
            .collect(),
    };
    Ok(codegen::generate(
        text,
        &overlay_texts(overlays),
        &provenance,
    )?)
}

/// The overlays as `codegen` takes them.
pub fn overlay_texts(overlays: &[Overlay]) -> Vec<OverlayText<'_>> {
    overlays
        .iter()
        .map(|o| OverlayText {
            name: &o.file,
            text: &o.text,
        })
        .collect()
}

/// Generates `versions` from the verified specs in `spec_dir`, returning
/// every file `gen` owns (the version folders, `versions.rs` and
/// `Cargo.toml` of `clerk-api`; the conformance plans, their index and
/// `Cargo.toml` of `tests`) as it should be.
pub fn generate(
    lock: &Lock,
    spec_dir: &Path,
    workspace: &Path,
    versions: &[String],
) -> Result<(FileSet, Vec<VersionReport>)> {
    let crate_dir = &workspace.join("clerk-api");
    let mut files = FileSet::new();
    let mut reports = Vec::new();
    for version in versions {
        let pin = lock
            .get(version)
            .with_context(|| format!("{version} is not pinned in the lock: pin it first with `cargo xtask fetch --version {version} --ref main --update-lock`"))?;
        let spec_path = spec_dir.join(pin.file_name());
        match file_sha256(&spec_path) {
            Some((sha, size)) if sha == pin.sha256 && size == pin.size => {}
            Some(_) => bail!(
                "{} differs from its pin: run `cargo xtask fetch --version {version}`",
                spec_path.display()
            ),
            None => bail!(
                "{} is missing: run `cargo xtask fetch --version {version}`",
                spec_path.display()
            ),
        }
        let text = std::fs::read_to_string(&spec_path)
            .with_context(|| format!("cannot read {}", spec_path.display()))?;
        let overlays = overlays_for(workspace, version)?;
        let generated = generate_version(
            &format!("specs/bapi/{}", pin.file_name()),
            &pin.sha256,
            &text,
            &overlays,
        )?;
        if generated.api.version != *version {
            bail!(
                "{} says `info.version: {}`, but it is pinned as {version}",
                spec_path.display(),
                generated.api.version
            );
        }
        for file in generated.files {
            files.insert(Path::new("clerk-api/src").join(file.path), file.contents);
        }
        files.insert(
            Path::new("tests/conformance").join(generated.conformance.path),
            generated.conformance.contents,
        );
        files.insert(
            Path::new("cli/src/catalog").join(generated.catalog.path),
            generated.catalog.contents,
        );
        reports.push(VersionReport {
            version: version.clone(),
            api: generated.api,
            overlays: generated.overlays,
        });
    }

    // Every version module in the crate after this run: the ones just made
    // and the ones already there.
    let mut all: BTreeSet<String> = existing_versions(crate_dir);
    all.extend(versions.iter().cloned());
    let all: Vec<String> = all.into_iter().collect();
    files.insert(
        PathBuf::from("clerk-api/src/versions.rs"),
        codegen::emit::versions_file(&all)?,
    );
    files.insert(
        PathBuf::from("tests/conformance/mod.rs"),
        codegen::emit::conformance_index(&all)?,
    );
    files.insert(
        PathBuf::from("cli/src/catalog/versions.rs"),
        codegen::emit::catalog_index(&all)?,
    );
    // `clerk-api`: `v2025-11-10 = []`; `tests` and `cli`:
    // `v2025-11-10 = ["clerk-api/v2025-11-10"]`; the CLI has every version
    // by default.
    for (manifest, enables, default_all) in [
        ("clerk-api/Cargo.toml", None, false),
        ("tests/Cargo.toml", Some("clerk-api"), false),
        ("cli/Cargo.toml", Some("clerk-api"), true),
    ] {
        let path = workspace.join(manifest);
        if !path.exists() && manifest != "clerk-api/Cargo.toml" {
            continue; // a scratch workspace without that crate
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        files.insert(
            PathBuf::from(manifest),
            with_features(manifest, &text, &all, enables, default_all)?,
        );
    }
    Ok((files, reports))
}

/// Versions that have a generated module in the crate.
pub fn existing_versions(crate_dir: &Path) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(crate_dir.join("src")) else {
        return BTreeSet::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let version = name.strip_prefix('v')?.replace('_', "-");
            (is_version(&version) && e.path().join("mod.rs").is_file()).then_some(version)
        })
        .collect()
}

/// The manifest with one feature per version (`v2025-11-10 = []`, or
/// `["<enables>/v2025-11-10"]`) and its other features untouched.
fn with_features(
    name: &str,
    manifest: &str,
    versions: &[String],
    enables: Option<&str>,
    default_all: bool,
) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = manifest
        .parse()
        .with_context(|| format!("{name} is not valid TOML"))?;
    let features = doc
        .entry("features")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_mut()
        .with_context(|| format!("[features] in {name} is not a table"))?;
    let stale: Vec<String> = features
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| k.strip_prefix('v').is_some_and(is_version))
        .collect();
    for key in stale {
        features.remove(&key);
    }
    for version in versions {
        let mut enabled = toml_edit::Array::new();
        if let Some(dependency) = enables {
            enabled.push(format!("{dependency}/v{version}"));
        }
        features.insert(&format!("v{version}"), toml_edit::value(enabled));
    }
    if default_all {
        let all: toml_edit::Array = versions.iter().map(|v| format!("v{v}")).collect();
        features.insert("default", toml_edit::value(all));
    }
    Ok(doc.to_string())
}

/// Files under the version folders of `versions` that `files` does not
/// contain: left over from an earlier run, to be deleted.
pub fn stale_files(workspace: &Path, files: &FileSet, versions: &[String]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    for version in versions {
        let dir = Path::new("clerk-api/src").join(codegen::naming::version_module(version));
        let Ok(entries) = std::fs::read_dir(workspace.join(&dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let relative = dir.join(entry.file_name());
            if !files.contains_key(&relative) {
                stale.push(relative);
            }
        }
    }
    stale.sort();
    stale
}

/// Writes the files that differ (atomically) and deletes stale ones;
/// returns the paths written.
pub fn write(workspace: &Path, files: &FileSet, stale: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (relative, contents) in files {
        let path = workspace.join(relative);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            write_atomic(&path, contents.as_bytes())?;
            written.push(relative.clone());
        }
    }
    for relative in stale {
        std::fs::remove_file(workspace.join(relative))
            .with_context(|| format!("cannot delete {}", relative.display()))?;
    }
    Ok(written)
}

/// Files that differ from what generation gives, for `--check`.
pub fn check(workspace: &Path, files: &FileSet, stale: &[PathBuf]) -> Vec<String> {
    let mut problems = Vec::new();
    for (relative, contents) in files {
        match std::fs::read_to_string(workspace.join(relative)) {
            Ok(on_disk) if on_disk == *contents => {}
            Ok(_) => problems.push(format!("stale: {}", relative.display())),
            Err(_) => problems.push(format!("missing: {}", relative.display())),
        }
    }
    problems.extend(
        stale
            .iter()
            .map(|p| format!("not generated: {}", p.display())),
    );
    problems
}
