//! The `xtask` binary as a user runs it: exit codes and what it prints.
//! Each test works on a copy of the lock and a temporary specs folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MIRROR_REF: &str = "7987d1b776258d5ddd9163e1a03d256b5ac4d64a";
const FIRST_2025_11_10_REF: &str = "f8ab645c25e044a3e59ab4156d51c005241a2df5";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A folder mirror: `CLERK_SPECS_MIRROR` when it is a folder (CI's shared
/// mirror), else one assembled from upstream or a URL mirror (see
/// `xtask::mirror::local_mirror`), shared with the `tests` crate.
fn mirror() -> PathBuf {
    let lock = xtask::lock::Lock::load(&workspace().join("specs/specs.lock")).unwrap();
    let cache = workspace().join("target/test-mirror");
    std::thread::spawn(move || xtask::mirror::local_mirror(&lock, &cache))
        .join()
        .unwrap()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

/// The number of pinned versions.
fn pinned() -> usize {
    xtask::lock::Lock::load(&workspace().join("specs/specs.lock"))
        .unwrap()
        .pins
        .len()
}

/// A scratch copy of the workspace's lock and an empty specs folder.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            workspace().join("specs/specs.lock"),
            dir.path().join("specs.lock"),
        )
        .unwrap();
        Scratch { dir }
    }

    fn lock(&self) -> PathBuf {
        self.dir.path().join("specs.lock")
    }

    /// The folder of the `<kind>/` folders (`--specs-dir`).
    fn specs(&self) -> PathBuf {
        self.dir.path().join("specs")
    }

    fn bapi(&self) -> PathBuf {
        self.specs().join("bapi")
    }

    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .arg("--lock")
            .arg(self.lock())
            .arg("--specs-dir")
            .arg(self.specs())
            .env_remove("CLERK_SPECS_MIRROR")
            .output()
            .unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fetch_all_from_a_folder_mirror_then_nothing_to_do() {
    let scratch = Scratch::new();
    let mirror = mirror().display().to_string();

    let first = scratch.xtask(&["fetch", "--all", "--mirror", &mirror]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let stdout = text(&first.stdout);
    assert_eq!(stdout.matches(" fetched ").count(), pinned(), "{stdout}");

    let second = scratch.xtask(&["fetch", "--mirror", &mirror]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert_eq!(text(&second.stdout).matches("up to date").count(), pinned());
}

#[test]
fn the_mirror_can_come_from_the_environment() {
    let scratch = Scratch::new();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--version", "2025-03-12", "--lock"])
        .arg(scratch.lock())
        .arg("--specs-dir")
        .arg(scratch.specs())
        .env("CLERK_SPECS_MIRROR", mirror())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(scratch.bapi().join("2025-03-12.yml").is_file());
}

#[test]
fn an_unknown_version_lists_the_known_ones() {
    let scratch = Scratch::new();
    let out = scratch.xtask(&["fetch", "--version", "2030-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("unknown bapi version \"2030-01-01\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("2021-02-05, 2024-10-01, 2025-03-12, 2025-04-10, 2025-11-10, 2026-05-12"),
        "{stderr}"
    );
    assert!(!scratch.specs().exists(), "nothing was written");
}

#[test]
fn a_hash_mismatch_names_the_file_and_both_hashes() {
    let scratch = Scratch::new();
    let lock = std::fs::read_to_string(scratch.lock()).unwrap();
    let real = "9c094882e00b013ca7150434434255d4af04bfe8918e0f0bbd49e7f243ab0359";
    let wrong = "0".repeat(64);
    std::fs::write(scratch.lock(), lock.replace(real, &wrong)).unwrap();

    let out = scratch.xtask(&[
        "fetch",
        "--version",
        "2025-11-10",
        "--mirror",
        &mirror().display().to_string(),
    ]);

    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    for needle in ["sha256 mismatch", "2025-11-10.yml", &wrong, real] {
        assert!(stderr.contains(needle), "{needle:?} missing from: {stderr}");
    }
    assert!(!scratch.bapi().join("2025-11-10.yml").exists());
}

#[test]
fn update_lock_moves_a_pin_and_says_what_changed() {
    let scratch = Scratch::new();
    let out = scratch.xtask(&[
        "fetch",
        "--version",
        "2025-11-10",
        "--ref",
        FIRST_2025_11_10_REF,
        "--update-lock",
        "--mirror",
        &mirror().display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for needle in [
        "pin moved",
        &format!("ref     {MIRROR_REF} -> {FIRST_2025_11_10_REF}"),
        "sha256  9c094882e00b013ca7150434434255d4af04bfe8918e0f0bbd49e7f243ab0359 -> 14ebadf3c4703c5cdb62a738c0de5c7d1286f6ad4c2b10f14058dec275517c51",
        "size    718644 -> 432403",
    ] {
        assert!(stdout.contains(needle), "{needle:?} missing from: {stdout}");
    }
    let lock = std::fs::read_to_string(scratch.lock()).unwrap();
    assert!(lock.contains(FIRST_2025_11_10_REF), "{lock}");
    assert!(lock.contains("size = 432403"), "{lock}");

    // Moving it back to where it was reports the reverse, then "unchanged".
    let back = |scratch: &Scratch| {
        scratch.xtask(&[
            "fetch",
            "--version",
            "2025-11-10",
            "--ref",
            MIRROR_REF,
            "--update-lock",
            "--mirror",
            &mirror().display().to_string(),
        ])
    };
    assert!(text(&back(&scratch).stdout).contains("size    432403 -> 718644"));
    assert!(text(&back(&scratch).stdout).contains("pin unchanged"));
    assert_eq!(
        std::fs::read_to_string(scratch.lock()).unwrap(),
        std::fs::read_to_string(workspace().join("specs/specs.lock")).unwrap()
    );
}

#[test]
fn a_webhooks_version_is_fetched_by_its_kind() {
    let scratch = Scratch::new();
    let mirror = mirror().display().to_string();
    // The version is pinned as webhooks only: no --kind needed.
    let out = scratch.xtask(&["fetch", "--version", "2025-04-15", "--mirror", &mirror]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("webhooks 2025-04-15  fetched "),
        "{}",
        text(&out.stdout)
    );
    assert!(scratch.specs().join("webhooks/2025-04-15.yml").is_file());
    // A bapi version asked for as webhooks is unknown there.
    let out = scratch.xtask(&[
        "fetch",
        "--kind",
        "webhooks",
        "--version",
        "2025-11-10",
        "--mirror",
        &mirror,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("unknown webhooks version \"2025-11-10\"; the lock pins: 2025-04-15"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn update_lock_needs_a_ref() {
    let scratch = Scratch::new();
    let out = scratch.xtask(&["fetch", "--version", "2025-11-10", "--update-lock"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(text(&out.stderr).contains("--ref"));
}

#[test]
fn versions_shows_offered_pinned_local_and_generated() {
    let scratch = Scratch::new();
    let mirror = mirror().display().to_string();
    let fetched = scratch.xtask(&["fetch", "--version", "2025-03-12", "--mirror", &mirror]);
    assert!(fetched.status.success(), "{}", text(&fetched.stderr));

    let out = scratch.xtask(&["versions", "--mirror", &mirror]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // Two tables: the Backend API's, then the webhooks'.
    let (bapi, webhooks) = stdout.split_once("\n\n").expect("two tables");
    assert!(bapi.starts_with("bapi versions offered by"), "{stdout}");
    assert!(
        webhooks.starts_with("webhooks versions offered by"),
        "{stdout}"
    );
    let rows: Vec<&str> = bapi.lines().skip(2).collect();
    assert_eq!(
        rows.len() + webhooks.lines().skip(2).count(),
        pinned(),
        "{stdout}"
    );
    let row = |v: &str| *rows.iter().find(|r| r.starts_with(v)).unwrap();
    assert!(row("2025-03-12").contains("verified"), "{stdout}");
    assert!(row("2025-04-10").contains("missing"), "{stdout}");
    assert!(
        row("2025-11-10").contains("7987d1b77625, f8ab645c25e0"),
        "{stdout}"
    );
    assert!(webhooks.contains("specs/webhooks"), "{stdout}");
    assert!(
        webhooks
            .lines()
            .any(|l| l.starts_with("2025-04-15") && l.ends_with("yes")),
        "{stdout}"
    );
}

#[test]
fn diff_lists_its_rules() {
    let out = Scratch::new().xtask(&["diff", "--rules"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rules = text(&out.stdout);
    assert_eq!(rules.lines().count(), codegen::diff::RULES.len());
    assert!(
        rules
            .lines()
            .any(|l| l.starts_with("response-enum-value-added") && l.contains("breaking")),
        "{rules}"
    );
}

#[test]
fn diff_fail_on_sets_the_exit_code() {
    let scratch = Scratch::new();
    let mirror = mirror();
    let mirror = mirror.to_str().unwrap();
    let pair = ["diff", "2024-10-01", "2025-04-10", "--mirror", mirror];

    let report = scratch.xtask(&pair);
    assert!(report.status.success(), "{}", text(&report.stderr));
    assert!(text(&report.stdout).starts_with("2024-10-01 → 2025-04-10\n"));

    let breaking = scratch.xtask(&[&pair[..], &["--fail-on", "breaking"]].concat());
    assert_eq!(
        breaking.status.code(),
        Some(1),
        "{}",
        text(&breaking.stderr)
    );

    let markdown = scratch.xtask(&[&pair[..], &["--format", "markdown"]].concat());
    assert!(text(&markdown.stdout).contains("### Breaking changes"));

    let same = scratch.xtask(&[
        "diff",
        "2025-04-10",
        "2025-04-10",
        "--mirror",
        mirror,
        "--fail-on",
        "warning",
    ]);
    assert!(same.status.success(), "{}", text(&same.stderr));
    assert!(text(&same.stdout).contains("0 breaking, 0 warning, 0 info"));
}

#[test]
fn diff_rejects_what_is_not_a_side() {
    let out = Scratch::new().xtask(&["diff", "2025-13-99x", "2025-04-10"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is neither a version (2025-11-10), a version at a ref"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn gen_fetches_a_missing_spec_first() {
    let scratch = Scratch::new();
    let mirror = mirror().display().to_string();
    // --check writes no generated file: the committed code is what the
    // fetched spec gives.
    let out = scratch.xtask(&[
        "gen",
        "--version",
        "2025-03-12",
        "--check",
        "--mirror",
        &mirror,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("2025-03-12  fetched and verified from"),
        "{}",
        text(&out.stderr)
    );
    assert!(scratch.bapi().join("2025-03-12.yml").is_file());

    // A second run finds it verified and says nothing about fetching.
    let again = scratch.xtask(&[
        "gen",
        "--version",
        "2025-03-12",
        "--check",
        "--mirror",
        &mirror,
    ]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        !text(&again.stderr).contains("fetched"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn gen_without_a_reachable_source_says_so_once() {
    let scratch = Scratch::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = scratch.xtask(&[
        "gen",
        "--check",
        "--mirror",
        &format!("http://127.0.0.1:{port}"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches("cannot reach").count(), 1, "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
}
