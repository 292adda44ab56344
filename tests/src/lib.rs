//! Support for the workspace's integration tests: a loopback HTTP server
//! whose answers a test scripts (files, directory listings, error statuses,
//! bodies cut short), and the local mirror of Clerk's specs.

pub mod fixtures;

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
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The mirror of Clerk's specs that CI places beside the workspace
/// (`../shared/clerk-openapi-specs`).
pub fn shared_mirror() -> PathBuf {
    let path = workspace_root().join("../shared/clerk-openapi-specs");
    assert!(
        path.join("SHA256SUMS").is_file(),
        "the spec mirror is missing: expected {} (with SHA256SUMS) beside the workspace",
        path.display()
    );
    path
}

/// The mirror's `SHA256SUMS`: relative path → sha256.
pub fn mirror_sums() -> HashMap<String, String> {
    let text = std::fs::read_to_string(shared_mirror().join("SHA256SUMS")).expect("SHA256SUMS");
    text.lines()
        .filter_map(|line| {
            let (sum, path) = line.split_once("  ")?;
            Some((path.to_string(), sum.to_string()))
        })
        .collect()
}

/// Lower-case hex sha256 of `bytes`.
pub use xtask::fetch::sha256_hex;

/// The names in a folder, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A pinned spec's pin and text, read from the mirror and checked against
/// the lock, so that tests do not depend on `cargo xtask fetch` having run.
pub fn pinned_spec(version: &str) -> (xtask::lock::Pin, String) {
    let lock = xtask::lock::Lock::load(&workspace_root().join("specs/bapi.lock"))
        .expect("specs/bapi.lock");
    let pin = lock
        .get(version)
        .unwrap_or_else(|| panic!("{version} is not pinned"))
        .clone();
    let path = shared_mirror().join(&pin.git_ref).join(&pin.path);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        sha256_hex(&bytes),
        pin.sha256,
        "{} does not match its pin",
        path.display()
    );
    (pin, String::from_utf8(bytes).expect("a UTF-8 spec"))
}

/// The executables of the workspace's examples by name, built (or found
/// up to date) by `cargo build --workspace --examples`: the same feature
/// set as `cargo test --workspace`, so nothing is rebuilt there.
pub fn example_binaries() -> HashMap<String, PathBuf> {
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
