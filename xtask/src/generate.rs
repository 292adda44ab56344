//! `cargo xtask gen`: `specs/bapi/<V>.yml` → `clerk-api/src/v<V>/` and
//! `specs/webhooks/<V>.yml` → `clerk-api/src/events/v<V>/` (through
//! `codegen`), plus the crate's lists of version modules and features, the
//! conformance plans `tests/conformance/v<V>.rs` with the `tests` crate's
//! matching features, and the models the CLI embeds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use codegen::emit::Provenance;
use codegen::load::OverlayText;

use crate::fetch::file_sha256;
use crate::fsutil::write_atomic;
use crate::lock::{Kind, Lock, SpecPaths, is_version};

/// The files `gen` owns, by path relative to the workspace.
pub type FileSet = BTreeMap<PathBuf, String>;

/// What generating one version produced.
pub struct VersionReport {
    pub kind: Kind,
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

/// The overlays of a version of `kind`, in the order they apply:
/// `specs/overlays/<kind>.yaml`, then `specs/overlays/<kind>-<version>.yaml`.
pub fn overlays_for(workspace: &Path, kind: Kind, version: &str) -> Result<Vec<Overlay>> {
    let mut overlays = Vec::new();
    for name in [kind.to_string(), format!("{kind}-{version}")] {
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

fn provenance(spec_file: &str, sha256: &str, overlays: &[Overlay]) -> Provenance {
    Provenance {
        spec_file: spec_file.to_string(),
        sha256: sha256.to_string(),
        overlays: overlays
            .iter()
            .map(|o| (o.file.clone(), o.sha256.clone()))
            .collect(),
    }
}

/// Generates one Backend API version from its spec text and overlays.
pub fn generate_version(
    spec_file: &str,
    sha256: &str,
    text: &str,
    overlays: &[Overlay],
) -> Result<codegen::Generated> {
    Ok(codegen::generate(
        text,
        &overlay_texts(overlays),
        &provenance(spec_file, sha256, overlays),
    )?)
}

/// Generates one webhooks version from its document and overlays.
pub fn generate_events_version(
    spec_file: &str,
    sha256: &str,
    text: &str,
    overlays: &[Overlay],
    version: &str,
) -> Result<codegen::GeneratedEvents> {
    Ok(codegen::generate_events(
        text,
        &overlay_texts(overlays),
        &provenance(spec_file, sha256, overlays),
        version,
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

/// The verified text of a pinned spec in `specs/<kind>/`.
fn pinned_text(
    lock: &Lock,
    paths: &SpecPaths,
    kind: Kind,
    version: &str,
) -> Result<(String, String)> {
    let pin = lock
        .get(kind, version)
        .with_context(|| format!("{kind} {version} is not pinned in the lock: pin it first with `cargo xtask fetch --kind {kind} --version {version} --ref main --update-lock`"))?;
    let spec_path = paths.dir(kind).join(pin.file_name());
    match file_sha256(&spec_path) {
        Some((sha, size)) if sha == pin.sha256 && size == pin.size => {}
        Some(_) => bail!(
            "{} differs from its pin: run `cargo xtask fetch --kind {kind} --version {version}`",
            spec_path.display()
        ),
        None => bail!(
            "{} is missing: run `cargo xtask fetch --kind {kind} --version {version}`",
            spec_path.display()
        ),
    }
    let text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read {}", spec_path.display()))?;
    Ok((format!("specs/{kind}/{}", pin.file_name()), text))
}

/// Generates `wanted` (kind, version) from the verified specs under
/// `paths`, returning every file `gen` owns as it should be: the version
/// folders, `versions.rs`, `events/versions.rs` and `Cargo.toml` of
/// `clerk-api`; the conformance plans, their index and `Cargo.toml` of
/// `tests`; the models the CLI embeds and their index.
pub fn generate(
    lock: &Lock,
    paths: &SpecPaths,
    workspace: &Path,
    wanted: &[(Kind, String)],
) -> Result<(FileSet, Vec<VersionReport>)> {
    let crate_dir = &workspace.join("clerk-api");
    let mut files = FileSet::new();
    let mut reports = Vec::new();
    for (kind, version) in wanted {
        let (kind, version) = (*kind, version.as_str());
        let pin = lock.get(kind, version).context("checked by pinned_text")?;
        let (spec_file, text) = pinned_text(lock, paths, kind, version)?;
        let overlays = overlays_for(workspace, kind, version)?;
        let (api, overlays_applied) = match kind {
            Kind::Bapi => {
                let generated = generate_version(&spec_file, &pin.sha256, &text, &overlays)?;
                if generated.api.version != version {
                    bail!(
                        "{spec_file} says `info.version: {}`, but it is pinned as {version}",
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
                (generated.api, generated.overlays)
            }
            Kind::Webhooks => {
                let generated =
                    generate_events_version(&spec_file, &pin.sha256, &text, &overlays, version)?;
                for file in generated.files {
                    files.insert(Path::new("clerk-api/src").join(file.path), file.contents);
                }
                (generated.api, generated.overlays)
            }
        };
        files.insert(
            Path::new("cli/models").join(format!("{kind}-{version}.json")),
            model_json(&api)?,
        );
        reports.push(VersionReport {
            kind,
            version: version.to_string(),
            api,
            overlays: overlays_applied,
        });
    }

    // Every version module in the crate after this run: the ones just made
    // and the ones already there.
    let all = |kind: Kind| -> Vec<String> {
        let mut all: BTreeSet<String> = existing_versions(crate_dir, kind);
        all.extend(
            wanted
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, v)| v.clone()),
        );
        all.into_iter().collect()
    };
    let (bapi, webhooks) = (all(Kind::Bapi), all(Kind::Webhooks));
    files.insert(
        PathBuf::from("clerk-api/src/versions.rs"),
        codegen::emit::versions_file(&bapi)?,
    );
    files.insert(
        PathBuf::from("clerk-api/src/events/versions.rs"),
        codegen::emit::events_versions_file(&webhooks)?,
    );
    files.insert(
        PathBuf::from("tests/conformance/mod.rs"),
        codegen::emit::conformance_index(&bapi)?,
    );
    files.insert(
        PathBuf::from("cli/src/models.rs"),
        models_index(&bapi, &webhooks),
    );
    // `clerk-api`: `v2025-11-10 = []`, `events-2025-04-15 = ["events"]`;
    // `tests`: the same, enabling `clerk-api`'s. (The CLI compiles no
    // typed version: it runs from the models.)
    for (manifest, enables) in [
        ("clerk-api/Cargo.toml", None),
        ("tests/Cargo.toml", Some("clerk-api")),
    ] {
        let path = workspace.join(manifest);
        if !path.exists() && manifest != "clerk-api/Cargo.toml" {
            continue; // a scratch workspace without that crate
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        files.insert(
            PathBuf::from(manifest),
            with_features(manifest, &text, &bapi, &webhooks, enables)?,
        );
    }
    Ok((files, reports))
}

/// A version's model as the CLI embeds it: JSON, one field per line (so
/// that a regeneration shows as a readable diff), deterministic.
fn model_json(api: &codegen::model::Api) -> Result<String> {
    use serde::Serialize as _;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    api.serialize(&mut serializer)
        .context("cannot serialise the model")?;
    out.push(b'\n');
    String::from_utf8(out).context("the model's JSON is not UTF-8")
}

/// `cli/src/models.rs`: the models the CLI embeds, by kind and version.
fn models_index(bapi: &[String], webhooks: &[String]) -> String {
    let mut out = String::from(
        "// @generated by `cargo xtask gen`: the models of every version.\n\
         // Do not edit: regenerate with `cargo xtask gen`.\n\n\
         /// Every version's model as JSON, by kind and version, oldest first.\n\
         pub static MODELS: &[(&str, &str, &str)] = &[\n",
    );
    for (kind, versions) in [(Kind::Bapi, bapi), (Kind::Webhooks, webhooks)] {
        for version in versions {
            out.push_str(&format!(
                "    (\"{kind}\", \"{version}\", include_str!(\"../models/{kind}-{version}.json\")),\n"
            ));
        }
    }
    out.push_str("];\n");
    out
}

/// The folder of a kind's version modules in `clerk-api/src`.
fn modules_dir(kind: Kind) -> &'static str {
    match kind {
        Kind::Bapi => "clerk-api/src",
        Kind::Webhooks => "clerk-api/src/events",
    }
}

/// Versions of `kind` that have a generated module in the crate.
pub fn existing_versions(crate_dir: &Path, kind: Kind) -> BTreeSet<String> {
    let dir = match kind {
        Kind::Bapi => crate_dir.join("src"),
        Kind::Webhooks => crate_dir.join("src/events"),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
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

/// The manifest with one feature per version (`v2025-11-10 = []`,
/// `events-2025-04-15 = ["events"]`, or with `<enables>/` the same feature
/// of `clerk-api`) and its other features untouched.
fn with_features(
    name: &str,
    manifest: &str,
    bapi: &[String],
    webhooks: &[String],
    enables: Option<&str>,
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
        .filter(|k| {
            Kind::ALL.iter().any(|kind| {
                k.strip_prefix(kind.feature_prefix())
                    .is_some_and(is_version)
            })
        })
        .collect();
    for key in stale {
        features.remove(&key);
    }
    for (kind, versions) in [(Kind::Bapi, bapi), (Kind::Webhooks, webhooks)] {
        for version in versions {
            let feature = kind.feature(version);
            let mut enabled = toml_edit::Array::new();
            match enables {
                Some(dependency) => enabled.push(format!("{dependency}/{feature}")),
                // The typed events need the runtime's `events` module.
                None if kind == Kind::Webhooks => enabled.push("events"),
                None => {}
            }
            features.insert(&feature, toml_edit::value(enabled));
        }
    }
    Ok(doc.to_string())
}

/// Files under the version folders of `wanted` that `files` does not
/// contain: left over from an earlier run, to be deleted.
pub fn stale_files(workspace: &Path, files: &FileSet, wanted: &[(Kind, String)]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    for (kind, version) in wanted {
        let dir = Path::new(modules_dir(*kind)).join(codegen::naming::version_module(version));
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
