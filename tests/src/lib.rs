//! Support for the workspace's integration tests: a loopback HTTP server
//! whose answers a test scripts (files, directory listings, error statuses,
//! bodies cut short), and the local mirror of Clerk's specs.

pub mod bench;
pub mod example;
pub mod fixtures;
pub mod jwt;
pub mod webhook;

/// The Rust snippets of the workspace README, compiled (`no_run`) as
/// doctests of this crate, with `clerk-api`'s newest version enabled.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct Readme;

/// The Rust snippets of `clerk-api`'s own README (its crates.io page).
#[cfg(doctest)]
#[doc = include_str!("../../clerk-api/README.md")]
pub struct ClerkApiReadme;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// What the server answers to one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with a body and its `Content-Length`.
    Body(Vec<u8>),
    /// 200 with an HTML page.
    Html(String),
    /// An empty response with this status.
    Status(u16),
    /// 200 declaring `declared` bytes, sending only `body`, then closing.
    Cut { declared: u64, body: Vec<u8> },
    /// 200 with a chunked body (no `Content-Length`), in chunks of 64 KiB.
    Chunked(Vec<u8>),
    /// These bytes as they are (a whole response, or not), then closing.
    Raw(Vec<u8>),
    /// Nothing for this long (headers slower than a timeout), then closing.
    Stall(std::time::Duration),
    /// A status line, then header bytes one at a time, `every` apart,
    /// without ever ending the headers (a server trickling its answer).
    Trickle { every: std::time::Duration },
}

type Handler = dyn Fn(&str, usize) -> Reply + Send + Sync;

/// An HTTP/1.1 server on 127.0.0.1 (a free port), one thread per
/// connection, stopped when dropped. It counts the requests for each path.
pub struct TestServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server that answers `handler(path, n)`, where `n` counts
    /// the requests for `path` so far, this one included (1-based).
    pub fn start(handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let thread = {
            let (stop, hits) = (stop.clone(), hits.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (hits, handler) = (hits.clone(), handler.clone());
                    std::thread::spawn(move || serve(stream, &hits, &*handler));
                }
            })
        };
        TestServer {
            addr,
            stop,
            hits,
            thread: Some(thread),
        }
    }

    /// Serves the files of `root`, with an index page for each folder.
    pub fn serve_folder(root: &Path) -> Self {
        let root = root.to_path_buf();
        TestServer::start(move |path, _| folder_reply(&root, path))
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests asked for `path` (e.g. `/abc/bapi/2025-11-10.yml`).
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// Requests for every path.
    pub fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, hits: &Mutex<HashMap<String, usize>>, handler: &Handler) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    // Skip the headers: nothing here depends on them.
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 2 {
        line.clear();
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let n = {
        let mut hits = hits.lock().unwrap();
        let count = hits.entry(path.clone()).or_insert(0);
        *count += 1;
        *count
    };
    let mut stream = stream;
    let _ = match handler(&path, n) {
        Reply::Body(body) => respond(&mut stream, 200, "application/yaml", &body, None),
        Reply::Html(html) => respond(&mut stream, 200, "text/html", html.as_bytes(), None),
        Reply::Status(status) => respond(&mut stream, status, "text/plain", b"", None),
        Reply::Cut { declared, body } => {
            respond(&mut stream, 200, "application/yaml", &body, Some(declared))
        }
        Reply::Chunked(body) => respond_chunked(&mut stream, &body),
        Reply::Raw(bytes) => stream.write_all(&bytes),
        Reply::Trickle { every } => trickle(&mut stream, every),
        Reply::Stall(time) => {
            std::thread::sleep(time);
            Ok(())
        }
    };
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    declared_len: Option<u64>,
) -> std::io::Result<()> {
    let len = declared_len.unwrap_or(body.len() as u64);
    write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    )?;
    stream.write_all(body)
}

/// A status line, then header bytes one at a time, `every` apart, until the
/// client goes away (or a minute passes).
fn trickle(stream: &mut TcpStream, every: std::time::Duration) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\n")?;
    for byte in b"x-trickle: ".iter().cycle().take(600) {
        std::thread::sleep(every);
        stream.write_all(&[*byte])?;
        stream.flush()?;
    }
    Ok(())
}

fn respond_chunked(stream: &mut TcpStream, body: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )?;
    for chunk in body.chunks(64 * 1024) {
        write!(stream, "{:x}\r\n", chunk.len())?;
        stream.write_all(chunk)?;
        stream.write_all(b"\r\n")?;
    }
    stream.write_all(b"0\r\n\r\n")
}

/// A file of `root` as a 200, a folder as an index page linking its
/// entries (folders with a trailing `/`), anything else as a 404.
pub fn folder_reply(root: &Path, url_path: &str) -> Reply {
    let relative = url_path.trim_start_matches('/');
    if relative.split('/').any(|part| part == "..") {
        return Reply::Status(403);
    }
    let path = root.join(relative);
    if path.is_file() {
        return match std::fs::read(&path) {
            Ok(bytes) => Reply::Body(bytes),
            Err(_) => Reply::Status(500),
        };
    }
    let Ok(entries) = std::fs::read_dir(&path) else {
        return Reply::Status(404);
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            Some(if e.path().is_dir() {
                format!("{name}/")
            } else {
                name
            })
        })
        .collect();
    names.sort();
    let items: String = names
        .iter()
        .map(|n| format!("<li><a href=\"{n}\">{n}</a></li>\n"))
        .collect();
    Reply::Html(format!(
        "<!DOCTYPE html><html><body><h1>Index of {url_path}</h1><ul>\n<li><a href=\"../\">../</a></li>\n{items}</ul></body></html>"
    ))
}

/// The workspace root.
/// `http://127.0.0.1:PORT` where nothing listens: a port that was free a
/// moment ago (bound, then released), so connections to it are refused.
pub fn refused_url() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind 127.0.0.1:0")
        .local_addr()
        .expect("local address")
        .port();
    format!("http://127.0.0.1:{port}")
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The workspace's lock.
pub fn workspace_lock() -> xtask::lock::Lock {
    xtask::lock::Lock::load(&spec_paths().lock).expect("specs/specs.lock")
}

/// The workspace's lock file and `specs/` folder.
pub fn spec_paths() -> xtask::lock::SpecPaths {
    xtask::lock::SpecPaths::in_workspace(&workspace_root())
}

/// Runs blocking fetch code off any async runtime (reqwest's blocking
/// client refuses to run inside one), turning its error into a panic
/// that says what to do.
fn blocking<T: Send + 'static>(
    what: String,
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> T {
    match std::thread::spawn(work).join() {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => panic!("{what}: {e:#}"),
        Err(_) => panic!("{what}: the fetch thread panicked"),
    }
}

/// A folder with upstream's layout holding every pinned spec and the first
/// revision of 2025-11-10: `CLERK_SPECS_MIRROR` when it is a folder, else
/// `target/test-mirror/` filled from upstream or a URL mirror (see
/// [`xtask::mirror::local_mirror`]).
pub fn spec_mirror() -> PathBuf {
    let cache = workspace_root().join("target/test-mirror");
    blocking("the test mirror".into(), move || {
        xtask::mirror::local_mirror(&workspace_lock(), &cache)
    })
}

/// The expected sha256 of each file a [`spec_mirror`] holds, by
/// `<ref>/<path>`: the mirror's own `SHA256SUMS` when it has one (the
/// shared mirror does: a check independent of the lock), else the lock's
/// pins and the first revision of 2025-11-10.
pub fn mirror_sums() -> HashMap<String, String> {
    if let Ok(text) = std::fs::read_to_string(spec_mirror().join("SHA256SUMS")) {
        return text
            .lines()
            .filter_map(|line| {
                let (sum, path) = line.split_once("  ")?;
                Some((path.to_string(), sum.to_string()))
            })
            .collect();
    }
    workspace_lock()
        .pins
        .into_iter()
        .chain([xtask::mirror::first_2025_11_10()])
        .map(|pin| (format!("{}/{}", pin.git_ref, pin.path), pin.sha256))
        .collect()
}

/// Lower-case hex sha256 of `bytes`.
pub use xtask::fetch::sha256_hex;

/// The names in a folder, sorted, but for the lock file that fetching
/// leaves (`.xtask-lock`): temporary files and specs show.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| name != xtask::fsutil::DirLock::FILE_NAME)
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Makes sure the pinned specs of `versions` of `kind` are in
/// `specs/<kind>/`, verified, fetching what is missing the way `cargo xtask
/// gen` does (from `CLERK_SPECS_MIRROR`, else upstream). Test binaries that
/// start at once take turns on the folder's lock, so each file is
/// downloaded once. Returns the folder.
pub fn ensure_specs_of(kind: xtask::lock::Kind, versions: &[&str]) -> PathBuf {
    let paths = spec_paths();
    let dir = paths.dir(kind);
    let versions: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
    blocking(format!("the {kind} specs {versions:?}"), move || {
        let fetcher = xtask::fetch::Fetcher::new(xtask::source::Source::from_env())?;
        xtask::fetch::ensure(&fetcher, &workspace_lock(), &paths, kind, &versions)?;
        Ok(())
    });
    dir
}

/// [`ensure_specs_of`] the Backend API.
pub fn ensure_specs(versions: &[&str]) -> PathBuf {
    ensure_specs_of(xtask::lock::Kind::Bapi, versions)
}

/// A pinned spec's pin and text, fetched and verified if needed (see
/// [`ensure_specs_of`]).
pub fn pinned_spec_of(kind: xtask::lock::Kind, version: &str) -> (xtask::lock::Pin, String) {
    let pin = workspace_lock()
        .get(kind, version)
        .unwrap_or_else(|| panic!("{kind} {version} is not pinned"))
        .clone();
    let path = ensure_specs_of(kind, &[version]).join(pin.file_name());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (pin, text)
}

/// [`pinned_spec_of`] the Backend API.
pub fn pinned_spec(version: &str) -> (xtask::lock::Pin, String) {
    pinned_spec_of(xtask::lock::Kind::Bapi, version)
}

/// Prism's executable, installed first if needed: `npm ci` from the
/// committed `tests/prism/package-lock.json` into `tests/prism/node_modules/`
/// (ignored by git). A marker named after the lock file's sha256 is written
/// once an install has completed, so an interrupted install, or a changed
/// lock, installs again. Test binaries that start at once take turns on
/// the folder's lock. Without `node` and `npm`, panics with one message
/// saying what to install.
pub fn prism() -> PathBuf {
    let folder = workspace_root().join("tests/prism");
    let lock_file =
        std::fs::read(folder.join("package-lock.json")).expect("tests/prism/package-lock.json");
    let marker = folder
        .join("node_modules")
        .join(format!(".installed-{}", &sha256_hex(&lock_file)[..16]));
    let binary = folder.join("node_modules/.bin/prism");
    let _turn = xtask::fsutil::DirLock::acquire(&folder).expect("lock tests/prism");
    if marker.is_file() && binary.is_file() {
        return binary;
    }
    for tool in ["node", "npm"] {
        let found = std::process::Command::new(tool)
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            found,
            "the conformance suite runs Prism, an npm package; `{tool}` was not found: install \
             Node.js 20 or later with npm (e.g. `apt-get install nodejs npm`), then run the tests again"
        );
    }
    // --ignore-scripts: the only install script is @scarf/scarf's analytics ping.
    let output = std::process::Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--prefix",
        ])
        .arg(&folder)
        .output()
        .expect("npm runs");
    assert!(
        output.status.success(),
        "`npm ci --prefix tests/prism` failed ({}); without network access, point npm at a \
         registry mirror (npm config set registry …):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        binary.is_file(),
        "npm ci did not install {}",
        binary.display()
    );
    std::fs::write(&marker, b"").expect("write the install marker");
    binary
}

/// The executables of the workspace's examples by name, built (or found
/// up to date) by `cargo build --workspace --examples`: the same feature
/// set as `cargo test --workspace`, so nothing is rebuilt there.
pub fn example_binaries() -> HashMap<String, PathBuf> {
    // Built once per test binary: tests that start examples at once would
    // otherwise each run cargo, one after another on its lock.
    static BUILT: std::sync::OnceLock<HashMap<String, PathBuf>> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_examples).clone()
}

fn build_examples() -> HashMap<String, PathBuf> {
    let mut cargo = std::process::Command::new(env!("CARGO"));
    // Variables cargo sets for this test would change build scripts'
    // fingerprints and rebuild dependencies for nothing.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        let set_by_cargo = name.starts_with("CARGO_")
            && !["CARGO_HOME", "CARGO_TARGET_DIR"].contains(&name.as_str());
        if set_by_cargo || name.starts_with("RUSTC") || name == "OUT_DIR" {
            cargo.env_remove(name);
        }
    }
    let output = cargo
        .args([
            "build",
            "--workspace",
            "--examples",
            "--message-format=json",
        ])
        .current_dir(workspace_root())
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo build --examples failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["kind"][0] == "example")
        .filter_map(|message| {
            let name = message["target"]["name"].as_str()?.to_string();
            Some((name, PathBuf::from(message["executable"].as_str()?)))
        })
        .collect()
}
