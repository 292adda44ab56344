//! `cargo xtask versions`: every version that upstream (or a mirror)
//! offers, is pinned, is present locally or is generated, with its state.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::fetch::file_sha256;
use crate::lock::{Kind, Lock, is_version};

/// The state of one spec version in this workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionState {
    pub version: String,
    /// The refs of the source that offer it (empty: not offered).
    pub offered_at: BTreeSet<String>,
    /// The ref it is pinned to in the lock.
    pub pinned_ref: Option<String>,
    pub local: Local,
    /// Whether `clerk-api` has a feature (and so a module) for it.
    pub generated: bool,
}

/// The state of `specs/<kind>/<version>.yml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    Missing,
    /// Present, with the pinned hash.
    Verified,
    /// Present, but its hash is not the pinned one.
    Differs,
    /// Present, and not pinned.
    Unpinned,
}

impl Local {
    fn as_str(self) -> &'static str {
        match self {
            Local::Missing => "missing",
            Local::Verified => "verified",
            Local::Differs => "differs from lock",
            Local::Unpinned => "present, unpinned",
        }
    }
}

/// Joins what the source offers with the lock, the fetched files in
/// `spec_dir` and the features of `clerk-api` (`generated`).
pub fn states(
    offered: &BTreeMap<String, BTreeSet<String>>,
    lock: &Lock,
    kind: Kind,
    spec_dir: &Path,
    generated: &BTreeSet<String>,
) -> Vec<VersionState> {
    let mut all: BTreeSet<String> = offered.keys().cloned().collect();
    all.extend(lock.versions(kind).into_iter().map(str::to_string));
    all.extend(generated.iter().cloned());
    all.extend(local_versions(spec_dir));
    all.into_iter()
        .map(|version| {
            let pin = lock.get(kind, &version);
            let local = match (file_sha256(&spec_dir.join(format!("{version}.yml"))), pin) {
                (None, _) => Local::Missing,
                (Some(_), None) => Local::Unpinned,
                (Some((sha, size)), Some(pin)) if sha == pin.sha256 && size == pin.size => {
                    Local::Verified
                }
                (Some(_), Some(_)) => Local::Differs,
            };
            VersionState {
                offered_at: offered.get(&version).cloned().unwrap_or_default(),
                pinned_ref: pin.map(|p| p.git_ref.clone()),
                local,
                generated: generated.contains(&version),
                version,
            }
        })
        .collect()
}

fn local_versions(spec_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(spec_dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let version = name.strip_suffix(".yml")?;
            is_version(version).then(|| version.to_string())
        })
        .collect()
}

/// The versions of `kind` that `clerk-api` has a feature for
/// (`v2025-11-10` → `2025-11-10`, `events-2025-04-15` → `2025-04-15`).
pub fn generated_versions(
    clerk_api_manifest: &Path,
    kind: Kind,
) -> anyhow::Result<BTreeSet<String>> {
    use anyhow::Context;
    let text = std::fs::read_to_string(clerk_api_manifest)
        .with_context(|| format!("cannot read {}", clerk_api_manifest.display()))?;
    let manifest: toml::Table = toml::from_str(&text)
        .with_context(|| format!("invalid TOML in {}", clerk_api_manifest.display()))?;
    Ok(manifest
        .get("features")
        .and_then(|f| f.as_table())
        .into_iter()
        .flat_map(|features| features.keys())
        .filter_map(|k| {
            k.strip_prefix(kind.feature_prefix())
                .filter(|v| is_version(v))
        })
        .map(str::to_string)
        .collect())
}

/// A plain-text table of the states of `kind`'s versions.
pub fn render(states: &[VersionState], kind: Kind) -> String {
    let short = |r: &str| r.chars().take(12).collect::<String>();
    let rows: Vec<[String; 5]> = states
        .iter()
        .map(|s| {
            [
                s.version.clone(),
                if s.offered_at.is_empty() {
                    "-".to_string()
                } else {
                    s.offered_at
                        .iter()
                        .map(|r| short(r))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                s.pinned_ref.as_deref().map_or("-".to_string(), short),
                s.local.as_str().to_string(),
                if s.generated { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    let spec_dir = format!("specs/{kind}");
    let header = [
        "version",
        "offered at",
        "pinned at",
        spec_dir.as_str(),
        "generated",
    ];
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(header.map(str::to_string)).chain(rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lock::Pin;

    #[test]
    fn joins_sources_lock_files_and_features() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2025-11-10.yml"), b"abc").unwrap();
        std::fs::write(dir.path().join("2026-01-01.yml"), b"x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        let lock = Lock {
            pins: vec![
                Pin {
                    kind: Kind::Bapi,
                    version: "2025-11-10".into(),
                    git_ref: "abc".into(),
                    path: "bapi/2025-11-10.yml".into(),
                    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                        .into(),
                    size: 3,
                },
                Pin {
                    kind: Kind::Bapi,
                    version: "2021-02-05".into(),
                    git_ref: "abc".into(),
                    path: "bapi/2021-02-05.yml".into(),
                    sha256: "0".repeat(64),
                    size: 1,
                },
            ],
        };
        let offered = BTreeMap::from([(
            "2025-11-10".to_string(),
            BTreeSet::from(["abc".to_string(), "def".to_string()]),
        )]);
        let generated = BTreeSet::from(["2025-11-10".to_string()]);
        let got = states(&offered, &lock, Kind::Bapi, dir.path(), &generated);
        let summary: Vec<_> = got
            .iter()
            .map(|s| (s.version.as_str(), s.offered_at.len(), s.local, s.generated))
            .collect();
        assert_eq!(
            summary,
            [
                ("2021-02-05", 0, Local::Missing, false),
                ("2025-11-10", 2, Local::Verified, true),
                ("2026-01-01", 0, Local::Unpinned, false),
            ]
        );
        let table = render(&got, Kind::Bapi);
        assert!(table.starts_with("version"), "{table}");
        assert!(table.contains("2025-11-10  abc, def"), "{table}");
    }

    #[test]
    fn features_name_generated_versions() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname='x'\n[features]\ndefault=[]\nv2025-11-10=[]\nevents-2025-04-15=[]\nvalidation=[]\n",
        )
        .unwrap();
        assert_eq!(
            generated_versions(&manifest, Kind::Bapi).unwrap(),
            BTreeSet::from(["2025-11-10".to_string()])
        );
        assert_eq!(
            generated_versions(&manifest, Kind::Webhooks).unwrap(),
            BTreeSet::from(["2025-04-15".to_string()])
        );
    }
}
