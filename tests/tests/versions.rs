//! `cargo xtask versions`: listing what a mirror offers, as a folder, as
//! our loopback server, and as a third-party static server (Python's
//! `http.server`, whose directory index pages are what real mirrors serve).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use tests::{Reply, TestServer, shared_mirror};
use xtask::error::FetchError;
use xtask::fetch::Fetcher;
use xtask::source::Source;

const MIRROR_REF: &str = "7987d1b776258d5ddd9163e1a03d256b5ac4d64a";
const FIRST_2025_11_10_REF: &str = "f8ab645c25e044a3e59ab4156d51c005241a2df5";

fn list(source: Source, git_ref: Option<&str>) -> BTreeMap<String, BTreeSet<String>> {
    let fetcher = Fetcher::new(source).unwrap();
    fetcher
        .source()
        .list_versions(fetcher.http(), git_ref)
        .unwrap()
}

/// What the shared mirror holds, as its README's table says.
fn expected_listing() -> BTreeMap<String, BTreeSet<String>> {
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for version in [
        "2021-02-05",
        "2024-10-01",
        "2025-03-12",
        "2025-04-10",
        "2025-11-10",
    ] {
        expected
            .entry(version.to_string())
            .or_default()
            .insert(MIRROR_REF.to_string());
    }
    expected
        .get_mut("2025-11-10")
        .unwrap()
        .insert(FIRST_2025_11_10_REF.to_string());
    expected
}

#[test]
fn a_folder_mirror_lists_every_ref_and_version() {
    assert_eq!(
        list(Source::Folder(shared_mirror()), None),
        expected_listing()
    );
}

#[test]
fn a_folder_mirror_lists_one_ref() {
    let at_first = list(Source::Folder(shared_mirror()), Some(FIRST_2025_11_10_REF));
    assert_eq!(at_first.keys().collect::<Vec<_>>(), ["2025-11-10"]);
}

#[test]
fn a_url_mirror_lists_every_ref_and_version() {
    let server = TestServer::serve_folder(&shared_mirror());
    assert_eq!(
        list(Source::mirror(&server.url()), None),
        expected_listing()
    );
}

#[test]
fn a_url_mirror_without_a_listing_is_an_error_naming_the_url() {
    let server = TestServer::start(|_, _| Reply::Status(403));
    let fetcher = Fetcher::new(Source::mirror(&server.url())).unwrap();
    let err = fetcher
        .source()
        .list_versions(fetcher.http(), None)
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 403, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(&server.url()), "{err}");
}

/// `python3 -m http.server` on a free loopback port, killed on drop.
struct PythonServer {
    child: Child,
    url: String,
}

impl PythonServer {
    fn start(root: &std::path::Path) -> PythonServer {
        let mut child = Command::new("python3")
            .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1"])
            .arg("--directory")
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 is needed for this test (it is on CI's machine)");
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .unwrap_or_else(|| panic!("unexpected http.server banner: {line:?}"))
            .to_string();
        PythonServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_third_party_static_server_is_a_mirror() {
    let server = PythonServer::start(&shared_mirror());
    assert_eq!(list(Source::mirror(&server.url), None), expected_listing());

    // And it serves files that fetch verifies.
    let lock = xtask::lock::Lock::load(&tests::workspace_root().join("specs/bapi.lock")).unwrap();
    let dest = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(Source::mirror(&server.url)).unwrap();
    fetcher
        .fetch(lock.get("2025-03-12").unwrap(), None, dest.path())
        .unwrap();
}
