//! Downloading specs: streamed to a temporary file while hashed, verified
//! against the lock, then renamed into place. Transient failures are
//! retried a bounded number of times with exponential backoff.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

use crate::error::FetchError;
use crate::fsutil::{AtomicFile, DirLock, sweep_partials};
use crate::lock::{Kind, Lock, Pin, SpecPaths};
use crate::source::Source;

/// How often and how patiently transient failures are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub attempts: u32,
    /// The wait before the second attempt; each later wait doubles.
    pub initial_delay: Duration,
    /// The longest single wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based).
    fn delay_after(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_delay
            .saturating_mul(factor)
            .min(self.max_delay)
    }
}

/// What [`Fetcher::fetch`] did for one pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The file was already there with the pinned hash: nothing was read.
    UpToDate { path: PathBuf },
    /// The file was downloaded, verified and written.
    Written {
        path: PathBuf,
        location: String,
        attempts: u32,
    },
}

/// A completed download, not yet in place.
struct Download {
    file: AtomicFile,
    sha256: String,
    size: u64,
    location: String,
    attempts: u32,
}

/// Reads specs from one [`Source`].
pub struct Fetcher {
    http: reqwest::blocking::Client,
    source: Source,
    retry: RetryPolicy,
    progress: bool,
}

impl Fetcher {
    pub fn new(source: Source) -> Result<Self, FetchError> {
        // reqwest is built without a crypto provider (see the workspace's
        // Cargo.toml); `Err` means one is installed already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("clerk-api-xtask/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| FetchError::Transport {
                url: "(HTTP client set-up)".to_string(),
                reason: crate::error::root_cause(&e),
            })?;
        Ok(Fetcher {
            http,
            source,
            retry: RetryPolicy::default(),
            progress: false,
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Shows a progress bar on stderr for each download.
    pub fn with_progress(mut self, progress: bool) -> Self {
        self.progress = progress;
        self
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn http(&self) -> &reqwest::blocking::Client {
        &self.http
    }

    /// Makes `dir/<version>.yml` the pinned file: keeps it if its hash is
    /// the pin's, else downloads it from `git_ref` (the pin's ref if
    /// `None`) and writes it only if its sha256 and size match the pin.
    ///
    /// Every command and test that needs a spec comes through here. It
    /// holds `dir`'s [`DirLock`] throughout, so that processes fetching at
    /// once take turns: the first downloads, the others find the file
    /// verified.
    pub fn fetch(
        &self,
        pin: &Pin,
        git_ref: Option<&str>,
        dir: &Path,
    ) -> Result<Fetched, FetchError> {
        let _lock = lock_dir(dir)?;
        let path = dir.join(pin.file_name());
        if file_sha256(&path).is_some_and(|(sha, size)| sha == pin.sha256 && size == pin.size) {
            return Ok(Fetched::UpToDate { path });
        }
        let download = self.download(git_ref.unwrap_or(&pin.git_ref), &pin.path, &path)?;
        if download.sha256 != pin.sha256 || download.size != pin.size {
            return Err(FetchError::Mismatch {
                file: pin.file_name(),
                location: download.location,
                expected: pin.sha256.clone(),
                expected_size: pin.size,
                actual: download.sha256,
                actual_size: download.size,
            });
        }
        let (location, attempts) = (download.location.clone(), download.attempts);
        commit(download)?;
        Ok(Fetched::Written {
            path,
            location,
            attempts,
        })
    }

    /// Downloads `version` of `kind` at `git_ref` into `dir` whatever its
    /// hash, and returns the pin that describes it: the deliberate way to
    /// move a pin.
    pub fn repin(
        &self,
        kind: Kind,
        version: &str,
        git_ref: &str,
        dir: &Path,
    ) -> Result<Pin, FetchError> {
        let _lock = lock_dir(dir)?;
        let upstream_path = Pin::upstream_path(kind, version);
        let target = dir.join(format!("{version}.yml"));
        let download = self.download(git_ref, &upstream_path, &target)?;
        let pin = Pin {
            kind,
            version: version.to_string(),
            git_ref: git_ref.to_string(),
            path: upstream_path,
            sha256: download.sha256.clone(),
            size: download.size,
        };
        commit(download)?;
        Ok(pin)
    }

    /// Streams `<git_ref>/<path>` into a temporary file beside `target`,
    /// retrying transient failures.
    fn download(&self, git_ref: &str, path: &str, target: &Path) -> Result<Download, FetchError> {
        if let Some(dir) = target.parent() {
            sweep_partials(dir);
        }
        let mut attempt = 1;
        loop {
            match self.download_once(git_ref, path, target) {
                Ok(mut download) => {
                    download.attempts = attempt;
                    return Ok(download);
                }
                Err(e) if e.is_transient() && attempt < self.retry.attempts => {
                    std::thread::sleep(self.retry.delay_after(attempt));
                    attempt += 1;
                }
                Err(e) if attempt > 1 => {
                    return Err(FetchError::GaveUp {
                        attempts: attempt,
                        last: Box::new(e),
                    });
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn download_once(
        &self,
        git_ref: &str,
        path: &str,
        target: &Path,
    ) -> Result<Download, FetchError> {
        let location = self.source.location(git_ref, path);
        let mut body = self.source.open(&self.http, git_ref, path)?;
        let local_error = |what, source| FetchError::Io {
            location: target.display().to_string(),
            what,
            source,
        };
        let mut file = AtomicFile::create(target)
            .map_err(|e| local_error("cannot create a temporary file next to it", e))?;
        let bar = self.progress_bar(body.len, path);
        let mut hasher = Sha256::new();
        let mut received = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match body.reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    bar.abandon();
                    return Err(FetchError::Truncated {
                        url: location,
                        received,
                        expected: body.len,
                        source: Some(source),
                    });
                }
            };
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n])
                .map_err(|e| local_error("cannot write", e))?;
            received += n as u64;
            bar.set_position(received);
        }
        bar.finish_and_clear();
        if body.len.is_some_and(|len| len != received) {
            return Err(FetchError::Truncated {
                url: location,
                received,
                expected: body.len,
                source: None,
            });
        }
        Ok(Download {
            file,
            sha256: hex(&hasher.finalize()),
            size: received,
            location,
            attempts: 1,
        })
    }

    fn progress_bar(&self, len: Option<u64>, path: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(len, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg:>24} [{bar:30}] {bytes:>10}/{total_bytes:10} {bytes_per_sec}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(path.to_string());
        bar
    }
}

/// Makes sure the pinned spec of each of `versions` of `kind` is in
/// `specs/<kind>/`, verified, fetching the missing or altered ones: what
/// `gen`, `diff` and the tests do before they read a spec, through the same
/// [`Fetcher::fetch`] as `cargo xtask fetch`. Returns what was done for each
/// version.
pub fn ensure(
    fetcher: &Fetcher,
    lock: &Lock,
    paths: &SpecPaths,
    kind: Kind,
    versions: &[String],
) -> Result<Vec<(String, Fetched)>, FetchError> {
    versions
        .iter()
        .map(|version| {
            let pin = lock
                .get(kind, version)
                .ok_or_else(|| FetchError::UnknownVersion {
                    kind,
                    version: version.clone(),
                    known: lock
                        .versions(kind)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                })?;
            Ok((version.clone(), fetcher.fetch(pin, None, &paths.dir(kind))?))
        })
        .collect()
}

fn lock_dir(dir: &Path) -> Result<DirLock, FetchError> {
    DirLock::acquire(dir).map_err(|source| FetchError::Io {
        location: dir.display().to_string(),
        what: "cannot lock the folder",
        source,
    })
}

fn commit(download: Download) -> Result<(), FetchError> {
    let location = download.file.target().display().to_string();
    download.file.commit().map_err(|source| FetchError::Io {
        location,
        what: "cannot write",
        source,
    })
}

/// The sha256 (lower-case hex) and size of a file, if it can be read.
pub fn file_sha256(path: &Path) -> Option<(String, u64)> {
    let bytes = std::fs::read(path).ok()?;
    Some((sha256_hex(&bytes), bytes.len() as u64))
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            attempts: 10,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(3),
        };
        let waits: Vec<u128> = (1..=5).map(|a| policy.delay_after(a).as_millis()).collect();
        assert_eq!(waits, [500, 1000, 2000, 3000, 3000]);
    }

    #[test]
    fn hashes_as_lower_hex() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        let (sha, size) = file_sha256(&path).unwrap();
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(size, 3);
    }
}
