//! `cargo xtask fetch` against real mirrors: a loopback HTTP server serving
//! a mirror folder (`CLERK_SPECS_MIRROR`, or one assembled from upstream),
//! the folder itself, altered copies, and servers that fail in the ways
//! networks do.

use std::path::Path;
use std::time::Duration;

use tests::{Reply, TestServer, mirror_sums, names_in, sha256_hex, spec_mirror, workspace_lock};
use xtask::error::FetchError;
use xtask::fetch::{Fetched, Fetcher, RetryPolicy};
use xtask::lock::{Kind, Pin};
use xtask::source::Source;

const MIRROR_REF: &str = "7987d1b776258d5ddd9163e1a03d256b5ac4d64a";
const FIRST_2025_11_10_REF: &str = "f8ab645c25e044a3e59ab4156d51c005241a2df5";

/// Quick retries, so that a test of three attempts takes milliseconds.
const FAST_RETRY: RetryPolicy = RetryPolicy {
    attempts: 3,
    initial_delay: Duration::from_millis(5),
    max_delay: Duration::from_millis(20),
};

fn pin(version: &str) -> Pin {
    workspace_lock()
        .get(Kind::Bapi, version)
        .unwrap_or_else(|| panic!("{version} is pinned"))
        .clone()
}

fn fetcher(source: Source) -> Fetcher {
    Fetcher::new(source).unwrap().with_retry(FAST_RETRY)
}

fn mirror_file(git_ref: &str, version: &str) -> Vec<u8> {
    std::fs::read(
        spec_mirror()
            .join(git_ref)
            .join(format!("bapi/{version}.yml")),
    )
    .unwrap()
}

/// Fetches every pinned version from `source` into a fresh folder and
/// checks each file's sha256 independently of the fetch.
fn fetch_all_and_check(source: Source) {
    let lock = workspace_lock();
    assert_eq!(
        lock.versions(Kind::Bapi),
        [
            "2021-02-05",
            "2024-10-01",
            "2025-03-12",
            "2025-04-10",
            "2025-11-10",
            "2026-05-12"
        ]
    );
    assert_eq!(lock.versions(Kind::Webhooks), ["2025-04-15"]);
    let sums = mirror_sums();
    let root = tempfile::tempdir().unwrap();
    let dir = |pin: &Pin| root.path().join(pin.kind.as_str());
    let fetcher = fetcher(source);
    for pin in &lock.pins {
        let fetched = fetcher.fetch(pin, None, &dir(pin)).unwrap();
        assert!(
            matches!(fetched, Fetched::Written { attempts: 1, .. }),
            "{fetched:?}"
        );
        let bytes = std::fs::read(dir(pin).join(pin.file_name())).unwrap();
        let key = format!("{}/{}", pin.git_ref, pin.path);
        assert_eq!(Some(&sha256_hex(&bytes)), sums.get(&key), "{key}");
    }
    let written: usize = Kind::ALL
        .iter()
        .map(|k| names_in(&root.path().join(k.as_str())).len())
        .sum();
    assert_eq!(written, lock.pins.len());

    // A second run reads nothing: every file is already verified.
    for pin in &lock.pins {
        let again = fetcher.fetch(pin, None, &dir(pin)).unwrap();
        assert!(matches!(again, Fetched::UpToDate { .. }), "{again:?}");
    }
}

#[test]
fn every_pinned_version_through_a_loopback_url_mirror() {
    let server = TestServer::serve_folder(&spec_mirror());
    fetch_all_and_check(Source::mirror(&server.url()));
    // One download per pin, and none on the second run.
    assert_eq!(server.total_hits(), workspace_lock().pins.len());
}

#[test]
fn every_pinned_version_from_a_folder_mirror() {
    fetch_all_and_check(Source::mirror(&spec_mirror().display().to_string()));
}

/// A mirror folder holding one file: `<ref>/bapi/<version>.yml`.
fn mirror_with(git_ref: &str, version: &str, bytes: &[u8]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join(git_ref).join("bapi");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{version}.yml")), bytes).unwrap();
    root
}

fn altered(mut bytes: Vec<u8>) -> Vec<u8> {
    // Same size, one byte different: only the hash can tell.
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
    bytes
}

fn assert_mismatch(err: &FetchError, pin: &Pin, actual: &str) {
    match err {
        FetchError::Mismatch {
            file,
            expected,
            actual: got,
            ..
        } => {
            assert_eq!(file, "2025-11-10.yml");
            assert_eq!(expected, &pin.sha256);
            assert_eq!(got, actual);
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    let message = err.to_string();
    for needle in ["2025-11-10.yml", &pin.sha256, actual] {
        assert!(message.contains(needle), "{needle} missing from: {message}");
    }
}

#[test]
fn an_altered_file_is_rejected_and_nothing_is_written() {
    let pin = pin("2025-11-10");
    let bad = altered(mirror_file(MIRROR_REF, "2025-11-10"));
    let mirror = mirror_with(MIRROR_REF, "2025-11-10", &bad);
    let server = TestServer::serve_folder(mirror.path());
    let dest = tempfile::tempdir().unwrap();

    let err = fetcher(Source::mirror(&server.url()))
        .fetch(&pin, None, dest.path())
        .unwrap_err();

    assert_mismatch(&err, &pin, &sha256_hex(&bad));
    assert!(!err.is_transient(), "a bad hash is not retried");
    assert_eq!(server.total_hits(), 1);
    assert_eq!(
        names_in(dest.path()),
        Vec::<String>::new(),
        "no file, no leftovers"
    );
}

#[test]
fn an_altered_file_leaves_the_existing_good_file_in_place() {
    // The local file is an older good revision (the first 2025-11-10); the
    // lock wants the newer one, and the mirror serves a corrupted copy.
    let pin = pin("2025-11-10");
    let older = mirror_file(FIRST_2025_11_10_REF, "2025-11-10");
    let dest = tempfile::tempdir().unwrap();
    std::fs::write(dest.path().join("2025-11-10.yml"), &older).unwrap();
    let bad = altered(mirror_file(MIRROR_REF, "2025-11-10"));
    let mirror = mirror_with(MIRROR_REF, "2025-11-10", &bad);

    let err = fetcher(Source::Folder(mirror.path().to_path_buf()))
        .fetch(&pin, None, dest.path())
        .unwrap_err();

    assert_mismatch(&err, &pin, &sha256_hex(&bad));
    assert_eq!(names_in(dest.path()), ["2025-11-10.yml"]);
    assert_eq!(
        std::fs::read(dest.path().join("2025-11-10.yml")).unwrap(),
        older
    );
}

/// A server that answers every request for the pinned 2025-11-10 with
/// `reply(n)` (n: 1-based count of requests so far).
fn flaky_server(reply: impl Fn(usize, Vec<u8>) -> Reply + Send + Sync + 'static) -> TestServer {
    let good = mirror_file(MIRROR_REF, "2025-11-10");
    TestServer::start(move |_, n| reply(n, good.clone()))
}

fn spec_path() -> String {
    format!("/{MIRROR_REF}/bapi/2025-11-10.yml")
}

#[test]
fn a_body_cut_short_is_retried_a_bounded_number_of_times() {
    let server = flaky_server(|_, good| Reply::Cut {
        declared: good.len() as u64,
        body: good[..good.len() / 3].to_vec(),
    });
    let dest = tempfile::tempdir().unwrap();

    let err = fetcher(Source::mirror(&server.url()))
        .fetch(&pin("2025-11-10"), None, dest.path())
        .unwrap_err();

    assert_eq!(err.attempts(), FAST_RETRY.attempts);
    assert!(
        matches!(err.last(), FetchError::Truncated { .. }),
        "{err:?}"
    );
    assert_eq!(server.hits(&spec_path()), FAST_RETRY.attempts as usize);
    let message = format!("{err}");
    assert!(message.contains("broke off"), "{message}");
    assert!(message.contains("gave up after 3 attempts"), "{message}");
    assert_eq!(names_in(dest.path()), Vec::<String>::new());
}

#[test]
fn a_transient_failure_followed_by_success_is_written() {
    let server = flaky_server(|n, good| match n {
        1 => Reply::Status(503),
        2 => Reply::Cut {
            declared: good.len() as u64,
            body: good[..100].to_vec(),
        },
        _ => Reply::Body(good),
    });
    let dest = tempfile::tempdir().unwrap();

    let fetched = fetcher(Source::mirror(&server.url()))
        .fetch(&pin("2025-11-10"), None, dest.path())
        .unwrap();

    assert!(
        matches!(fetched, Fetched::Written { attempts: 3, .. }),
        "{fetched:?}"
    );
    assert_eq!(server.hits(&spec_path()), 3);
    let bytes = std::fs::read(dest.path().join("2025-11-10.yml")).unwrap();
    assert_eq!(sha256_hex(&bytes), pin("2025-11-10").sha256);
    assert_eq!(names_in(dest.path()), ["2025-11-10.yml"]);
}

#[test]
fn a_server_error_is_retried_a_bounded_number_of_times() {
    let server = flaky_server(|_, _| Reply::Status(500));
    let dest = tempfile::tempdir().unwrap();

    let err = fetcher(Source::mirror(&server.url()))
        .fetch(&pin("2025-11-10"), None, dest.path())
        .unwrap_err();

    assert!(
        matches!(
            err,
            FetchError::GaveUp { attempts: 3, ref last }
                if matches!(**last, FetchError::Status { status: 500, .. })
        ),
        "{err:?}"
    );
    assert_eq!(server.hits(&spec_path()), 3);
    assert!(
        err.to_string().contains(&spec_path()),
        "names the URL: {err}"
    );
    assert_eq!(names_in(dest.path()), Vec::<String>::new());
}

#[test]
fn not_found_is_reported_at_once() {
    let server = flaky_server(|_, _| Reply::Status(404));
    let dest = tempfile::tempdir().unwrap();

    let err = fetcher(Source::mirror(&server.url()))
        .fetch(&pin("2025-11-10"), None, dest.path())
        .unwrap_err();

    assert!(matches!(err, FetchError::NotFound { .. }), "{err:?}");
    assert_eq!(server.hits(&spec_path()), 1, "a 404 is not retried");
    let message = err.to_string();
    assert!(
        message.contains(&format!("{}{}", server.url(), spec_path())),
        "{message}"
    );
    assert_eq!(names_in(dest.path()), Vec::<String>::new());
}

#[test]
fn a_refused_connection_is_retried_then_reported_naming_the_host_once() {
    let url = tests::refused_url();
    let dest = tempfile::tempdir().unwrap();

    let err = fetcher(Source::mirror(&url))
        .fetch(&pin("2025-11-10"), None, dest.path())
        .unwrap_err();

    assert_eq!(err.attempts(), 3, "{err:?}");
    assert!(
        matches!(err.last(), FetchError::Unreachable { dns: false, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    let host = url.trim_start_matches("http://");
    assert_eq!(message.matches(host).count(), 1, "{message}");
    assert!(!message.contains("http://"), "no URL: {message}");
    assert_eq!(names_in(dest.path()), Vec::<String>::new());
}

#[test]
fn a_host_that_does_not_resolve_is_reported_at_once() {
    // `.invalid` never resolves (RFC 2606), with or without a network.
    let dest = tempfile::tempdir().unwrap();
    let err = fetcher(Source::mirror("http://specs.clerk-mirror.invalid"))
        .fetch(&pin("2025-11-10"), None, dest.path())
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Unreachable { host, dns: true, .. } if host == "specs.clerk-mirror.invalid"),
        "not retried: {err:?}"
    );
    assert_eq!(
        err.to_string()
            .matches("specs.clerk-mirror.invalid")
            .count(),
        1,
        "{err}"
    );
}

#[test]
fn upstream_out_of_reach_suggests_a_mirror() {
    let err = FetchError::Unreachable {
        host: "raw.githubusercontent.com".into(),
        reason: "failed to lookup address information".into(),
        upstream: true,
        dns: true,
    };
    let message = err.to_string();
    for needle in [
        "cannot reach raw.githubusercontent.com",
        "--mirror DIR_OR_URL",
        "CLERK_SPECS_MIRROR",
    ] {
        assert!(
            message.contains(needle),
            "{needle:?} missing from {message}"
        );
    }
    assert!(!message.contains("https://"), "{message}");
}

#[test]
fn a_missing_mirror_file_is_not_found() {
    let mirror = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let err = fetcher(Source::Folder(mirror.path().to_path_buf()))
        .fetch(&pin("2025-11-10"), None, dest.path())
        .unwrap_err();
    assert!(matches!(err, FetchError::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(&mirror.path().display().to_string())
    );
}

#[test]
fn repinning_moves_to_the_file_at_another_ref() {
    let dest = tempfile::tempdir().unwrap();
    let fetcher = fetcher(Source::Folder(spec_mirror()));

    let new = fetcher
        .repin(Kind::Bapi, "2025-11-10", FIRST_2025_11_10_REF, dest.path())
        .unwrap();

    let sums = mirror_sums();
    let key = format!("{FIRST_2025_11_10_REF}/bapi/2025-11-10.yml");
    assert_eq!(Some(&new.sha256), sums.get(&key));
    assert_eq!(new.git_ref, FIRST_2025_11_10_REF);
    assert_eq!(new.path, "bapi/2025-11-10.yml");
    let written = std::fs::read(dest.path().join("2025-11-10.yml")).unwrap();
    assert_eq!(new.size, written.len() as u64);
    assert_ne!(new.sha256, pin("2025-11-10").sha256);

    // The new pin is what a later fetch verifies against.
    assert!(matches!(
        fetcher.fetch(&new, None, dest.path()).unwrap(),
        Fetched::UpToDate { .. }
    ));
}

#[test]
fn leftovers_of_a_killed_fetch_are_swept() {
    let dest = tempfile::tempdir().unwrap();
    let leftover = dest.path().join(".xtask-partial-abc123");
    std::fs::write(&leftover, b"half a file").unwrap();
    fetcher(Source::Folder(spec_mirror()))
        .fetch(&pin("2025-03-12"), None, dest.path())
        .unwrap();
    assert!(!Path::new(&leftover).exists());
    assert_eq!(names_in(dest.path()), ["2025-03-12.yml"]);
}
