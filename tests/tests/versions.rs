//! `cargo xtask versions`: listing what a mirror offers, as a folder, as
//! our loopback server, and as a third-party static server (Python's
//! `http.server`, whose directory index pages are what real mirrors serve).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use tests::{Reply, TestServer, spec_mirror};
use xtask::error::FetchError;
use xtask::fetch::Fetcher;
use xtask::lock::Kind;
use xtask::source::Source;

const FIRST_2025_11_10_REF: &str = "f8ab645c25e044a3e59ab4156d51c005241a2df5";

fn list(source: Source, kind: Kind, git_ref: Option<&str>) -> BTreeMap<String, BTreeSet<String>> {
    let fetcher = Fetcher::new(source).unwrap();
    fetcher
        .source()
        .list_versions(fetcher.http(), kind, git_ref)
        .unwrap()
}

/// The versions of `kind` a mirror offers at each ref: as its README's
/// table says (`| ref | date | bapi/…yml, webhooks/…yml |`) when it has
/// one, as the shared mirror does; else what an assembled mirror was filled
/// with (every pin, and the first revision of 2025-11-10).
fn expected_listing(kind: Kind) -> BTreeMap<String, BTreeSet<String>> {
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut offer = |version: &str, git_ref: &str| {
        expected
            .entry(version.to_string())
            .or_default()
            .insert(git_ref.to_string());
    };
    match std::fs::read_to_string(spec_mirror().join("README.md")) {
        Ok(readme) => {
            for row in readme.lines().filter(|l| l.starts_with("| ")) {
                let cells: Vec<&str> = row.split('|').map(str::trim).collect();
                let (Some(git_ref), Some(files)) = (cells.get(1), cells.get(3)) else {
                    continue;
                };
                if !xtask::lock::is_commit(git_ref) {
                    continue; // the header and separator rows
                }
                for file in files.split(',').map(str::trim) {
                    if let Some(version) = file
                        .strip_prefix(&format!("{kind}/"))
                        .and_then(|f| f.split(".yml").next())
                    {
                        offer(version, git_ref);
                    }
                }
            }
        }
        Err(_) => {
            for pin in tests::workspace_lock()
                .pins
                .into_iter()
                .chain([xtask::mirror::first_2025_11_10()])
                .filter(|p| p.kind == kind)
            {
                offer(&pin.version, &pin.git_ref);
            }
        }
    }
    let least = match kind {
        Kind::Bapi => 6,
        Kind::Webhooks => 1,
    };
    assert!(
        expected.len() >= least,
        "{least} {kind} versions or more: {expected:?}"
    );
    expected
}

#[test]
fn a_folder_mirror_lists_every_ref_and_version_of_each_kind() {
    for kind in Kind::ALL {
        assert_eq!(
            list(Source::Folder(spec_mirror()), kind, None),
            expected_listing(kind),
            "{kind}"
        );
    }
}

#[test]
fn a_folder_mirror_lists_one_ref() {
    let at_first = list(
        Source::Folder(spec_mirror()),
        Kind::Bapi,
        Some(FIRST_2025_11_10_REF),
    );
    assert_eq!(at_first.keys().collect::<Vec<_>>(), ["2025-11-10"]);
    let none = list(
        Source::Folder(spec_mirror()),
        Kind::Webhooks,
        Some(FIRST_2025_11_10_REF),
    );
    assert!(none.is_empty(), "{none:?}");
}

#[test]
fn a_url_mirror_lists_every_ref_and_version_of_each_kind() {
    let server = TestServer::serve_folder(&spec_mirror());
    for kind in Kind::ALL {
        assert_eq!(
            list(Source::mirror(&server.url()), kind, None),
            expected_listing(kind),
            "{kind}"
        );
    }
}

#[test]
fn a_url_mirror_without_a_listing_is_an_error_naming_the_url() {
    let server = TestServer::start(|_, _| Reply::Status(403));
    let fetcher = Fetcher::new(Source::mirror(&server.url())).unwrap();
    let err = fetcher
        .source()
        .list_versions(fetcher.http(), Kind::Bapi, None)
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
    let server = PythonServer::start(&spec_mirror());
    for kind in Kind::ALL {
        assert_eq!(
            list(Source::mirror(&server.url), kind, None),
            expected_listing(kind)
        );
    }

    // And it serves files that fetch verifies.
    let lock = tests::workspace_lock();
    let dest = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(Source::mirror(&server.url)).unwrap();
    for (kind, version) in [(Kind::Bapi, "2025-03-12"), (Kind::Webhooks, "2025-04-15")] {
        fetcher
            .fetch(lock.get(kind, version).unwrap(), None, dest.path())
            .unwrap();
    }
}
