//! `cargo xtask bench-build`: how long `clerk-api` takes to compile with
//! one version feature, against the `clerk-rs` crate (openapi-generator
//! output for one Clerk API version) built the same way in the same run.
//!
//! Dependencies are built first and not timed; then the crate itself is
//! cleaned and built again, without incremental compilation, debug and
//! release.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// One timed build.
pub struct BuildTime {
    pub name: String,
    pub lines: usize,
    pub debug: Duration,
    pub release: Duration,
}

fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<Duration> {
    let start = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed in {}", args.join(" "), dir.display());
    }
    Ok(start.elapsed())
}

/// Builds `package` once per profile to warm its dependencies, then cleans
/// it alone and times the build that follows.
fn time_package(
    dir: &Path,
    target_dir: &Path,
    package: &str,
    extra: &[&str],
) -> Result<(Duration, Duration)> {
    let mut times = [Duration::ZERO; 2];
    for (i, profile) in [None, Some("--release")].into_iter().enumerate() {
        let mut build = vec!["build", "--package", package];
        build.extend(extra);
        build.extend(profile);
        cargo(dir, target_dir, &build)?;
        let mut clean = vec!["clean", "--package", package];
        clean.extend(profile);
        cargo(dir, target_dir, &clean)?;
        times[i] = cargo(dir, target_dir, &build)?;
    }
    Ok((times[0], times[1]))
}

fn count_lines(dir: &Path) -> usize {
    let mut lines = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                lines += std::fs::read_to_string(&path)
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    lines
}

/// A throwaway crate that depends on `clerk-rs = "=<version>"`; returns
/// its folder and the folder of clerk-rs's sources once fetched.
fn reference_crate(root: &Path, clerk_rs: &str) -> Result<PathBuf> {
    let dir = root.join("clerk-rs-reference");
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"clerk-rs-reference\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nclerk-rs = \"={clerk_rs}\"\n\n[workspace]\n"
        ),
    )?;
    std::fs::write(dir.join("src/lib.rs"), "pub use clerk_rs;\n")?;
    Ok(dir)
}

/// Times clerk-rs and each version of clerk-api; `workspace` is this
/// workspace's root.
pub fn build_times(
    workspace: &Path,
    versions: &[String],
    clerk_rs: &str,
) -> Result<Vec<BuildTime>> {
    let root = workspace.join("target/bench-build");
    let mut results = Vec::new();

    let reference = reference_crate(&root, clerk_rs)?;
    let reference_target = root.join("target-reference");
    let (debug, release) = time_package(&reference, &reference_target, "clerk-rs", &[])?;
    let registry_src = home_registry_src();
    let lines = registry_src
        .as_deref()
        .and_then(|src| find_dir(src, &format!("clerk-rs-{clerk_rs}")))
        .map(|d| count_lines(&d.join("src")))
        .unwrap_or(0);
    results.push(BuildTime {
        name: format!("clerk-rs {clerk_rs}"),
        lines,
        debug,
        release,
    });

    let target = root.join("target-workspace");
    for version in versions {
        let feature = format!("v{version}");
        let (debug, release) = time_package(
            workspace,
            &target,
            "clerk-api",
            &["--no-default-features", "--features", &feature],
        )?;
        let module = workspace
            .join("clerk-api/src")
            .join(codegen::naming::version_module(version));
        results.push(BuildTime {
            name: format!("clerk-api {feature}"),
            lines: count_lines(&module),
            debug,
            release,
        });
    }
    Ok(results)
}

fn home_registry_src() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    Some(home.join("registry/src"))
}

fn find_dir(src: &Path, name: &str) -> Option<PathBuf> {
    std::fs::read_dir(src).ok()?.flatten().find_map(|index| {
        let candidate = index.path().join(name);
        candidate.is_dir().then_some(candidate)
    })
}

/// A markdown table with each build's ratio to the first (the reference).
pub fn render(results: &[BuildTime]) -> String {
    let Some(reference) = results.first() else {
        return String::new();
    };
    let mut out = String::from(
        "| crate | lines | debug (s) | vs clerk-rs | release (s) | vs clerk-rs |\n| --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for r in results {
        out.push_str(&format!(
            "| {} | {} | {:.1} | {:.2} | {:.1} | {:.2} |\n",
            r.name,
            r.lines,
            r.debug.as_secs_f64(),
            r.debug.as_secs_f64() / reference.debug.as_secs_f64(),
            r.release.as_secs_f64(),
            r.release.as_secs_f64() / reference.release.as_secs_f64(),
        ));
    }
    out
}
