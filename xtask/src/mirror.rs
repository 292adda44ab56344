//! A local folder with upstream's layout (`<ref>/<kind>/<version>.yml`), for
//! the tests that exercise mirrors: the configured mirror itself when it is
//! a folder, else one assembled from the configured source (upstream, or a
//! URL mirror) through the same verified fetch as everything else.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::fetch::Fetcher;
use crate::lock::{Kind, Lock, Pin};
use crate::source::Source;

/// The first published revision of 2025-11-10 (158 operations), which the
/// tests of pin moves, `VERSION@REF` diffs and listings use beside the
/// pinned files.
pub fn first_2025_11_10() -> Pin {
    Pin {
        kind: Kind::Bapi,
        version: "2025-11-10".into(),
        git_ref: "f8ab645c25e044a3e59ab4156d51c005241a2df5".into(),
        path: "bapi/2025-11-10.yml".into(),
        sha256: "14ebadf3c4703c5cdb62a738c0de5c7d1286f6ad4c2b10f14058dec275517c51".into(),
        size: 432_403,
    }
}

/// A mirror folder holding every pin of `lock` and [`first_2025_11_10`]:
/// `CLERK_SPECS_MIRROR` when it names a folder, else `cache` filled from
/// the configured source (each file verified against its pin; files
/// already there are kept).
pub fn local_mirror(lock: &Lock, cache: &Path) -> Result<PathBuf> {
    let source = Source::from_env();
    if let Source::Folder(folder) = &source {
        return Ok(folder.clone());
    }
    let fetcher = Fetcher::new(source)?;
    for pin in lock.pins.iter().cloned().chain([first_2025_11_10()]) {
        let dir = match Path::new(&pin.path).parent() {
            Some(parent) => cache.join(&pin.git_ref).join(parent),
            None => cache.join(&pin.git_ref),
        };
        fetcher
            .fetch(&pin, None, &dir)
            .with_context(|| format!("cannot assemble the test mirror in {}", cache.display()))?;
    }
    Ok(cache.to_path_buf())
}
