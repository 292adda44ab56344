//! `specs/specs.lock`: which upstream file each spec is pinned to, and the
//! sha256 and size that file must have. A spec is a kind (the Backend API,
//! `bapi`, or the events Clerk sends to webhooks, `webhooks`) and a version.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::fsutil::write_atomic;

const HEADER: &str = "\
# Pins of Clerk's specs (https://github.com/clerk/openapi-specs): the Backend
# API (kind bapi) and the events sent to webhooks (kind webhooks). Each entry
# names the upstream commit and path of one version's spec and the sha256 and
# size the file must have. `cargo xtask fetch` downloads and checks them into
# specs/<kind>/; `cargo xtask fetch --version V --ref REF --update-lock` is the
# deliberate way to move a pin. Written by xtask: edit with care.
";

/// What a spec describes, and the folder it lives in upstream and in
/// `specs/`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The Backend API (`bapi/<version>.yml`).
    #[default]
    Bapi,
    /// The events Clerk sends to webhook endpoints (`webhooks/<version>.yml`).
    Webhooks,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Bapi, Kind::Webhooks];

    /// The folder name: `bapi` or `webhooks`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bapi => "bapi",
            Kind::Webhooks => "webhooks",
        }
    }

    /// The `clerk-api` feature of a version: `v2025-11-10` for the Backend
    /// API, `events-2025-04-15` for webhook events.
    pub fn feature(self, version: &str) -> String {
        format!("{}{version}", self.feature_prefix())
    }

    pub fn feature_prefix(self) -> &'static str {
        match self {
            Kind::Bapi => "v",
            Kind::Webhooks => "events-",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The parsed lock file: one pin per kind and version, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    #[serde(default, rename = "spec")]
    pub pins: Vec<Pin>,
}

/// One spec version pinned to an upstream file with known content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    /// `bapi` when the entry does not say.
    #[serde(default)]
    pub kind: Kind,
    /// The version, e.g. `2025-11-10`.
    pub version: String,
    /// The upstream git ref (a commit) the file is read at.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The file's path inside the repository, e.g. `bapi/2025-11-10.yml`.
    pub path: String,
    /// Lower-case hex sha256 of the file.
    pub sha256: String,
    /// The file's size in bytes.
    pub size: u64,
}

impl Pin {
    /// The path of a version's spec inside the upstream repository.
    pub fn upstream_path(kind: Kind, version: &str) -> String {
        format!("{kind}/{version}.yml")
    }

    /// The file name the spec gets in `specs/<kind>/`.
    pub fn file_name(&self) -> String {
        format!("{}.yml", self.version)
    }

    /// `bapi 2025-11-10`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.kind, self.version)
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {} (sha256 {}, {} bytes)",
            self.path, self.git_ref, self.sha256, self.size
        )
    }
}

/// Whether `s` looks like an API version: `YYYY-MM-DD`.
pub fn is_version(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether a git ref is a full commit hash (a true pin) rather than a name
/// such as `main` that moves.
pub fn is_commit(git_ref: &str) -> bool {
    git_ref.len() == 40 && git_ref.bytes().all(|c| c.is_ascii_hexdigit())
}

impl Lock {
    /// Reads and validates a lock file; errors name the file and the entry.
    pub fn load(path: &Path) -> Result<Lock> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the lock file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("invalid lock file {}", path.display()))
    }

    /// Parses and validates the text of a lock file.
    pub fn parse(text: &str) -> Result<Lock> {
        let lock: Lock = toml::from_str(text)?;
        for (i, pin) in lock.pins.iter().enumerate() {
            let at = format!("[[spec]] #{} ({} {:?})", i + 1, pin.kind, pin.version);
            if !is_version(&pin.version) {
                bail!("{at}: version must look like YYYY-MM-DD");
            }
            if !is_sha256(&pin.sha256) {
                bail!("{at}: sha256 must be 64 lower-case hex digits");
            }
            if pin.git_ref.is_empty() || pin.path.is_empty() {
                bail!("{at}: ref and path must not be empty");
            }
            if lock.pins[..i]
                .iter()
                .any(|p| p.kind == pin.kind && p.version == pin.version)
            {
                bail!("{at}: version pinned twice");
            }
        }
        Ok(lock)
    }

    /// Writes the lock atomically, entries sorted by kind and version.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut sorted = self.clone();
        sorted
            .pins
            .sort_by(|a, b| (a.kind, &a.version).cmp(&(b.kind, &b.version)));
        let body = toml::to_string(&sorted).context("cannot serialise the lock")?;
        write_atomic(path, format!("{HEADER}\n{body}").as_bytes())
    }

    pub fn get(&self, kind: Kind, version: &str) -> Option<&Pin> {
        self.pins
            .iter()
            .find(|p| p.kind == kind && p.version == version)
    }

    /// The pinned versions of `kind`, oldest first.
    pub fn versions(&self, kind: Kind) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .pins
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.version.as_str())
            .collect();
        v.sort_unstable();
        v
    }

    /// The kinds that pin `version`.
    pub fn kinds_of(&self, version: &str) -> Vec<Kind> {
        Kind::ALL
            .into_iter()
            .filter(|kind| self.get(*kind, version).is_some())
            .collect()
    }

    /// Sets the pin of `pin.kind` and `pin.version`, returning the pin it
    /// replaced.
    pub fn upsert(&mut self, pin: Pin) -> Option<Pin> {
        match self
            .pins
            .iter_mut()
            .find(|p| p.kind == pin.kind && p.version == pin.version)
        {
            Some(slot) => Some(std::mem::replace(slot, pin)),
            None => {
                self.pins.push(pin);
                None
            }
        }
    }
}

/// Where the workspace keeps its pins and fetched specs.
#[derive(Debug, Clone)]
pub struct SpecPaths {
    pub lock: PathBuf,
    /// The folder of the `<kind>/` folders specs are fetched into.
    pub root: PathBuf,
}

impl SpecPaths {
    pub fn in_workspace(root: &Path) -> Self {
        SpecPaths {
            lock: root.join("specs/specs.lock"),
            root: root.join("specs"),
        }
    }

    /// `specs/<kind>/`.
    pub fn dir(&self, kind: Kind) -> PathBuf {
        self.root.join(kind.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN: &str = r#"
[[spec]]
kind = "bapi"
version = "2025-11-10"
ref = "7987d1b776258d5ddd9163e1a03d256b5ac4d64a"
path = "bapi/2025-11-10.yml"
sha256 = "9c094882e00b013ca7150434434255d4af04bfe8918e0f0bbd49e7f243ab0359"
size = 718644
"#;

    #[test]
    fn parses_and_round_trips() {
        let lock = Lock::parse(PIN).unwrap();
        assert_eq!(lock.pins.len(), 1);
        assert_eq!(lock.get(Kind::Bapi, "2025-11-10").unwrap().size, 718644);
        assert!(lock.get(Kind::Webhooks, "2025-11-10").is_none());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("specs.lock");
        lock.save(&path).unwrap();
        assert_eq!(Lock::load(&path).unwrap(), lock);
    }

    #[test]
    fn rejects_bad_entries_naming_them() {
        let bad_hash = PIN.replace("9c09", "XX09");
        let err = Lock::parse(&bad_hash).unwrap_err().to_string();
        assert!(
            err.contains("2025-11-10") && err.contains("sha256"),
            "{err}"
        );

        let twice = format!("{PIN}{PIN}");
        let err = Lock::parse(&twice).unwrap_err().to_string();
        assert!(err.contains("pinned twice"), "{err}");
        // One version in two kinds is two pins; no kind means bapi.
        let kinds = format!(
            "{PIN}{}",
            PIN.replace("kind = \"bapi\"", "kind = \"webhooks\"")
        );
        assert_eq!(Lock::parse(&kinds).unwrap().kinds_of("2025-11-10").len(), 2);
        let implicit = PIN.replace("kind = \"bapi\"\n", "");
        assert_eq!(Lock::parse(&implicit).unwrap().pins[0].kind, Kind::Bapi);

        let bad_version = PIN.replace("version = \"2025-11-10\"", "version = \"latest\"");
        let err = Lock::parse(&bad_version).unwrap_err().to_string();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn versions_are_recognised() {
        assert!(is_version("2021-02-05"));
        assert!(!is_version("2021-2-05"));
        assert!(!is_version("../etc/pwd"));
        assert!(is_commit("7987d1b776258d5ddd9163e1a03d256b5ac4d64a"));
        assert!(!is_commit("main"));
    }
}
