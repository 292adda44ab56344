//! Atomic file writes: every file xtask writes goes to a temporary file in
//! the target's folder and is renamed over the target only once complete,
//! so a failure or an interruption leaves the previous file, or none.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// Prefix of the temporary files, so that leftovers of a killed process
/// can be recognised and swept (see [`sweep_partials`]).
const PARTIAL_PREFIX: &str = ".xtask-partial-";

/// A file being written; it replaces `target` on [`AtomicFile::commit`] and
/// is deleted if dropped before.
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
}

impl AtomicFile {
    pub fn create(target: &Path) -> std::io::Result<Self> {
        let dir = parent_dir(target);
        std::fs::create_dir_all(dir)?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(PARTIAL_PREFIX);
        // Temporary files are private (0600) by default; the result is an
        // ordinary file, so give it the usual mode (umask still applies).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let temp = builder.tempfile_in(dir)?;
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the data to disk and renames the file over the target.
    pub fn commit(self) -> std::io::Result<()> {
        self.temp.as_file().sync_all()?;
        self.temp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.temp.flush()
    }
}

/// Writes `bytes` to `target` atomically.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<()> {
    AtomicFile::create(target)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.commit()
        })
        .with_context(|| format!("cannot write {}", target.display()))
}

/// An exclusive lock on a folder, held until dropped: processes that
/// fetch into the same folder (several test binaries starting at once, a
/// test run beside `cargo xtask gen`) take turns, so that a file is
/// downloaded once and the others find it verified. The operating system
/// releases the lock when the process dies, so a killed run never leaves
/// the folder locked.
pub struct DirLock {
    _file: std::fs::File,
}

impl DirLock {
    /// The name of the lock file inside the folder.
    pub const FILE_NAME: &str = ".xtask-lock";

    /// Waits until no other process holds the lock of `dir`, then takes it.
    pub fn acquire(dir: &Path) -> std::io::Result<DirLock> {
        std::fs::create_dir_all(dir)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(Self::FILE_NAME))?;
        file.lock()?;
        Ok(DirLock { _file: file })
    }
}

/// Removes temporary files that a killed xtask left in `dir` (a process
/// that is killed never runs the destructor that deletes them).
pub fn sweep_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(PARTIAL_PREFIX))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_file_leaves_previous_content() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.yml");
        write_atomic(&target, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"new, but never committed").unwrap();
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "the temporary file was removed");
    }

    #[test]
    fn a_dir_lock_is_exclusive_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let held = DirLock::acquire(dir.path()).unwrap();
        let other = std::fs::File::options()
            .write(true)
            .open(dir.path().join(DirLock::FILE_NAME))
            .unwrap();
        assert!(
            matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
            "a second holder must wait"
        );
        drop(held);
        other.try_lock().expect("free once dropped");
    }

    #[test]
    fn sweep_removes_only_partials() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(format!("{PARTIAL_PREFIX}x")), b"").unwrap();
        std::fs::write(dir.path().join("2025-11-10.yml"), b"").unwrap();
        sweep_partials(dir.path());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["2025-11-10.yml"]);
    }
}
