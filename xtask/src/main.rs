//! `cargo xtask`: fetch pinned specs, list spec versions.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use xtask::error::FetchError;
use xtask::fetch::{Fetched, Fetcher};
use xtask::lock::{Kind, Lock, Pin, SpecPaths, is_commit, is_version};
use xtask::source::{MIRROR_ENV, Source};
use xtask::{generate, versions, workspace_root};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer commands of the clerk-api workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download pinned specs into specs/<kind>/, verified against specs/specs.lock.
    ///
    /// A file already present with the pinned sha256 is kept as it is; a
    /// download whose sha256 or size differs from the pin is an error and
    /// writes nothing.
    Fetch(FetchArgs),
    /// List the spec versions upstream (or a mirror) offers, and for each
    /// whether it is pinned, present in specs/<kind>/ and generated.
    Versions(VersionsArgs),
    /// Generate clerk-api's module for spec versions (from the fetched,
    /// verified specs), and its list of version modules and features.
    Gen(GenArgs),
    /// What changed between two spec versions, and what breaks for a Rust
    /// user switching the feature. Each side is a pinned version
    /// (2025-04-10), a version at a git ref (2025-11-10@f8ab645c) or a
    /// spec file; `--kind webhooks` compares webhooks versions.
    Diff(DiffArgs),
    /// Benchmark: build time of clerk-api per version feature (its
    /// dependencies already built), debug and release, against clerk-rs.
    BenchBuild(BenchBuildArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// The old side: VERSION, VERSION@REF or a file.
    #[arg(required_unless_present = "rules")]
    old: Option<String>,
    /// The new side: VERSION, VERSION@REF or a file.
    #[arg(required_unless_present = "rules")]
    new: Option<String>,
    /// List the rules (id, severity, summary) and exit.
    #[arg(long)]
    rules: bool,
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
    /// Exit with status 1 when a change this severe (or worse) is found.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// The kind of the pinned versions compared.
    #[arg(long, value_enum, default_value = "bapi")]
    kind: KindArg,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    paths: PathArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Warning,
}

#[derive(Args)]
struct BenchBuildArgs {
    /// Versions to time [default: every generated one]
    #[arg(long = "version", value_name = "V")]
    versions: Vec<String>,
    /// The clerk-rs release to compare with.
    #[arg(long, default_value = "0.5.0")]
    clerk_rs: String,
}

/// `--kind`: which specs a command is about.
#[derive(Clone, Copy, clap::ValueEnum)]
enum KindArg {
    /// The Backend API (`bapi/<version>.yml`).
    Bapi,
    /// The events Clerk sends to webhooks (`webhooks/<version>.yml`).
    Webhooks,
}

impl From<KindArg> for Kind {
    fn from(arg: KindArg) -> Kind {
        match arg {
            KindArg::Bapi => Kind::Bapi,
            KindArg::Webhooks => Kind::Webhooks,
        }
    }
}

#[derive(Args)]
struct GenArgs {
    /// A version to generate, e.g. 2025-11-10 (repeatable) [default: --all]
    #[arg(long = "version", value_name = "V", conflicts_with = "all")]
    versions: Vec<String>,
    /// Only specs of this kind [default: the kind that pins each version, or every kind]
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Generate every pinned version.
    #[arg(long)]
    all: bool,
    /// Write nothing; exit non-zero listing the files that are stale.
    #[arg(long)]
    check: bool,
    /// Also print how many nodes each overlay action matched.
    #[arg(long)]
    verbose: bool,
    /// Where to fetch pinned specs that are missing from: a mirror with
    /// upstream's layout (<ref>/<kind>/<version>.yml), a folder or an
    /// http(s) URL [default: upstream]
    #[arg(long, value_name = "DIR_OR_URL", env = MIRROR_ENV)]
    mirror: Option<String>,
    #[command(flatten)]
    paths: PathArgs,
}

#[derive(Args)]
struct SourceArgs {
    /// Read from a mirror with upstream's layout (<ref>/<kind>/<version>.yml):
    /// a folder or an http(s) URL.
    #[arg(long, value_name = "DIR_OR_URL", env = MIRROR_ENV)]
    mirror: Option<String>,
    /// The upstream git ref to read (default: each pin's own ref).
    #[arg(long = "ref", value_name = "REF")]
    git_ref: Option<String>,
}

#[derive(Args)]
struct PathArgs {
    /// The lock file [default: specs/specs.lock in the workspace]
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// The folder whose <kind>/ folders specs are fetched into [default: specs in the workspace]
    #[arg(long, value_name = "DIR")]
    specs_dir: Option<PathBuf>,
}

impl PathArgs {
    fn resolve(&self) -> SpecPaths {
        let default = SpecPaths::in_workspace(&workspace_root());
        SpecPaths {
            lock: self.lock.clone().unwrap_or(default.lock),
            root: self.specs_dir.clone().unwrap_or(default.root),
        }
    }
}

#[derive(Args)]
struct FetchArgs {
    /// A version to fetch, e.g. 2025-11-10 (repeatable) [default: --all]
    #[arg(long = "version", value_name = "V", conflicts_with = "all")]
    versions: Vec<String>,
    /// Only specs of this kind [default: the kind that pins each version
    /// (bapi for a new pin), or every kind]
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Fetch every pinned version.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    source: SourceArgs,
    /// Pin the given versions to the file found at --ref, whatever its hash,
    /// and print what changed (old/new ref, sha256, size).
    #[arg(long, requires = "git_ref")]
    update_lock: bool,
    #[command(flatten)]
    paths: PathArgs,
}

#[derive(Args)]
struct VersionsArgs {
    /// Only specs of this kind [default: every kind]
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    paths: PathArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fetch(args) => fetch(args),
        Command::Versions(args) => list_versions(args),
        Command::Diff(args) => diff(args),
        Command::Gen(args) => generate(args),
        Command::BenchBuild(args) => bench_build(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The (kind, version) pairs a command is about: every pin (of `kind`, if
/// given) when no version is named; else each version, of `kind` or of the
/// one kind that pins it. `new_pins` allows versions not pinned yet
/// (`--update-lock`), of `kind` or else of the Backend API.
fn select(
    lock: &Lock,
    kind: Option<Kind>,
    versions: &[String],
    new_pins: bool,
) -> Result<Vec<(Kind, String)>> {
    if versions.is_empty() {
        let kinds = kind.map_or(Kind::ALL.to_vec(), |k| vec![k]);
        return Ok(kinds
            .into_iter()
            .flat_map(|k| {
                lock.versions(k)
                    .into_iter()
                    .map(move |v| (k, v.to_string()))
            })
            .collect());
    }
    versions
        .iter()
        .map(|version| {
            if !is_version(version) {
                bail!("{version:?} is not a spec version: expected YYYY-MM-DD, e.g. 2025-11-10");
            }
            let kinds = lock.kinds_of(version);
            match (kind, kinds.as_slice()) {
                (Some(k), _) if new_pins || kinds.contains(&k) => Ok((k, version.clone())),
                (None, [one]) => Ok((*one, version.clone())),
                (None, []) if new_pins => Ok((Kind::Bapi, version.clone())),
                (None, [_, _, ..]) => bail!(
                    "{version} is pinned as {}: say which with --kind",
                    kinds
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                (k, _) => {
                    let k = k.unwrap_or(Kind::Bapi);
                    Err(FetchError::UnknownVersion {
                        kind: k,
                        version: version.clone(),
                        known: lock.versions(k).into_iter().map(str::to_string).collect(),
                    }
                    .into())
                }
            }
        })
        .collect()
}

fn fetch(args: FetchArgs) -> Result<ExitCode> {
    let paths = args.paths.resolve();
    let mut lock = if args.update_lock && !paths.lock.exists() {
        Lock::default()
    } else {
        Lock::load(&paths.lock)?
    };
    let wanted = select(
        &lock,
        args.kind.map(Kind::from),
        &args.versions,
        args.update_lock,
    )?;
    let source = Source::from_mirror(args.source.mirror.as_deref());
    let fetcher = Fetcher::new(source)?.with_progress(std::io::stderr().is_terminal());
    eprintln!("reading from {}", fetcher.source());
    let git_ref = args.source.git_ref.as_deref();
    if let (true, Some(r)) = (args.update_lock, git_ref)
        && !is_commit(r)
    {
        eprintln!(
            "note: {r:?} is a name that moves, not a commit; the sha256 in the lock still pins the content"
        );
    }

    let (mut failed, mut fetched) = (0, 0);
    for (kind, version) in &wanted {
        let (kind, version) = (*kind, version.as_str());
        let outcome = if args.update_lock {
            repin(
                &fetcher,
                &mut lock,
                kind,
                version,
                git_ref.unwrap_or_default(),
                &paths,
            )
        } else {
            let pin = lock.get(kind, version).context("checked by select")?;
            fetcher
                .fetch(pin, git_ref, &paths.dir(kind))
                .map(|fetched| match fetched {
                    Fetched::UpToDate { .. } => "up to date".to_string(),
                    Fetched::Written {
                        location, attempts, ..
                    } => {
                        let retried = if attempts > 1 {
                            format!(" after {attempts} attempts")
                        } else {
                            String::new()
                        };
                        format!("fetched {} bytes from {location}{retried}", pin.size)
                    }
                })
                .map_err(anyhow::Error::from)
        };
        match outcome {
            Ok(message) => println!("{kind} {version}  {message}"),
            Err(e) if is_unreachable(&e) => {
                // Said once: every other version would fail the same way.
                eprintln!("error: {e:#}");
                eprintln!(
                    "{} of {} versions not fetched",
                    wanted.len() - fetched,
                    wanted.len()
                );
                return Ok(ExitCode::FAILURE);
            }
            Err(e) => {
                failed += 1;
                eprintln!("{kind} {version}  error: {e:#}");
            }
        }
        fetched += 1;
    }
    if failed > 0 {
        eprintln!("{failed} of {} versions failed", wanted.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `error` says the source's host cannot be reached at all.
fn is_unreachable(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<FetchError>()
        .is_some_and(|e| matches!(e.last(), FetchError::Unreachable { .. }))
}

/// Moves (or adds) the pin of `version` of `kind` to `git_ref` and says
/// what changed.
fn repin(
    fetcher: &Fetcher,
    lock: &mut Lock,
    kind: Kind,
    version: &str,
    git_ref: &str,
    paths: &SpecPaths,
) -> Result<String> {
    let new = fetcher.repin(kind, version, git_ref, &paths.dir(kind))?;
    let message = match lock.get(kind, version) {
        None => format!("pinned (new): {new}"),
        Some(old) if *old == new => format!("pin unchanged: {new}"),
        Some(old) => pin_change(old, &new),
    };
    lock.upsert(new);
    lock.save(&paths.lock)?;
    Ok(message)
}

fn pin_change(old: &Pin, new: &Pin) -> String {
    let mut lines = vec!["pin moved".to_string()];
    for (field, a, b) in [
        ("ref", old.git_ref.clone(), new.git_ref.clone()),
        ("sha256", old.sha256.clone(), new.sha256.clone()),
        ("size", old.size.to_string(), new.size.to_string()),
    ] {
        let mark = if a == b { "  (same)" } else { "" };
        lines.push(format!("    {field:<7} {a} -> {b}{mark}"));
    }
    lines.join("\n")
}

fn list_versions(args: VersionsArgs) -> Result<ExitCode> {
    let paths = args.paths.resolve();
    let lock = Lock::load(&paths.lock)?;
    let source = Source::from_mirror(args.source.mirror.as_deref());
    let fetcher = Fetcher::new(source)?;
    let manifest = workspace_root().join("clerk-api/Cargo.toml");
    let kinds = args.kind.map_or(Kind::ALL.to_vec(), |k| vec![k.into()]);
    for (i, kind) in kinds.into_iter().enumerate() {
        let offered = fetcher
            .source()
            .list_versions(fetcher.http(), kind, args.source.git_ref.as_deref())
            .with_context(|| format!("cannot list the {kind} versions of {}", fetcher.source()))?;
        let generated: BTreeSet<String> = versions::generated_versions(&manifest, kind)?;
        if i > 0 {
            println!();
        }
        println!("{kind} versions offered by {}:", fetcher.source());
        print!(
            "{}",
            versions::render(
                &versions::states(&offered, &lock, kind, &paths.dir(kind), &generated),
                kind
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn generate(args: GenArgs) -> Result<ExitCode> {
    let paths = args.paths.resolve();
    let lock = Lock::load(&paths.lock)?;
    let wanted = select(&lock, args.kind.map(Kind::from), &args.versions, false)?;
    let workspace = workspace_root();
    // A spec that is missing (a fresh clone) or altered is fetched first,
    // verified against its pin.
    let fetcher = Fetcher::new(Source::from_mirror(args.mirror.as_deref()))?
        .with_progress(std::io::stderr().is_terminal());
    for kind in Kind::ALL {
        let versions: Vec<String> = wanted
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, v)| v.clone())
            .collect();
        for (version, fetched) in xtask::fetch::ensure(&fetcher, &lock, &paths, kind, &versions)? {
            if let Fetched::Written { location, .. } = fetched {
                eprintln!("{kind} {version}  fetched and verified from {location}");
            }
        }
    }
    let (files, reports) = generate::generate(&lock, &paths, &workspace, &wanted)?;
    let lines_under = |module: &str| -> usize {
        files
            .iter()
            .filter(|(p, _)| p.starts_with(module))
            .map(|(_, c)| c.lines().count())
            .sum()
    };
    for kind in Kind::ALL {
        let of_kind: Vec<_> = reports.iter().filter(|r| r.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let (things, parent) = match kind {
            Kind::Bapi => ("operations", "clerk-api/src"),
            Kind::Webhooks => ("events", "clerk-api/src/events"),
        };
        println!(
            "{:<12} {:>10} {:>8} {:>7} {:>9} {:>14}",
            format!("{kind}"),
            things,
            "schemas",
            "types",
            "untyped",
            "lines of code"
        );
        for report in of_kind {
            let api = &report.api;
            let module = format!(
                "{parent}/{}/",
                codegen::naming::version_module(&report.version)
            );
            println!(
                "{:<12} {:>10} {:>8} {:>7} {:>9} {:>14}",
                report.version,
                match kind {
                    Kind::Bapi => api.operations.len(),
                    Kind::Webhooks => api.events.len(),
                },
                api.component_schemas().count(),
                api.types.len(),
                api.untyped.len(),
                lines_under(&module)
            );
            for place in &api.untyped {
                println!("    untyped #{}: {}", place.pointer, place.reason);
            }
            if args.verbose {
                for applied in &report.overlays {
                    println!(
                        "    overlay {}: matched {} nodes",
                        applied.action, applied.matched
                    );
                }
            }
        }
    }
    let stale = generate::stale_files(&workspace, &files, &wanted);
    if args.check {
        let problems = generate::check(&workspace, &files, &stale);
        if problems.is_empty() {
            println!("generated code is up to date");
            return Ok(ExitCode::SUCCESS);
        }
        for problem in &problems {
            eprintln!("{problem}");
        }
        eprintln!(
            "{} generated files are out of date: run `cargo xtask gen`",
            problems.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    let written = generate::write(&workspace, &files, &stale)?;
    println!("{} files written, {} removed", written.len(), stale.len());
    Ok(ExitCode::SUCCESS)
}

fn diff(args: DiffArgs) -> Result<ExitCode> {
    use xtask::diff::{Format, Side, model, render, spec_file};
    if args.rules {
        print!("{}", xtask::diff::rules());
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(old), Some(new)) = (args.old.as_deref(), args.new.as_deref()) else {
        bail!("give OLD and NEW");
    };
    let paths = args.paths.resolve();
    let lock = Lock::load(&paths.lock)?;
    let workspace = workspace_root();
    let mirror = args.source.mirror.clone();
    let fetcher =
        || -> Result<Fetcher> { Ok(Fetcher::new(Source::from_mirror(mirror.as_deref()))?) };
    let cache = workspace.join("target/diff-specs");
    let mut models = Vec::new();
    let kind = Kind::from(args.kind);
    for text in [old, new] {
        let side = Side::parse(text)?;
        let file = spec_file(&side, kind, &lock, &paths, &fetcher, &cache)?;
        models.push(model(&file, &workspace, side.version())?);
    }
    let report = codegen::diff::diff(&models[0], &models[1]);
    let format = match args.format {
        DiffFormat::Text => Format::Text {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        },
        DiffFormat::Markdown => Format::Markdown,
        DiffFormat::Json => Format::Json,
    };
    print!("{}", render(&report, old, new, format));
    let threshold = args.fail_on.map(|f| match f {
        FailOn::Breaking => codegen::diff::Severity::Breaking,
        FailOn::Warning => codegen::diff::Severity::Warning,
    });
    Ok(match (threshold, report.worst()) {
        (Some(threshold), Some(worst)) if worst <= threshold => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    })
}

fn bench_build(args: BenchBuildArgs) -> Result<ExitCode> {
    let workspace = workspace_root();
    let versions: Vec<String> = if args.versions.is_empty() {
        generate::existing_versions(&workspace.join("clerk-api"), Kind::Bapi)
            .into_iter()
            .collect()
    } else {
        args.versions
    };
    let results = xtask::bench::build_times(&workspace, &versions, &args.clerk_rs)?;
    print!("{}", xtask::bench::render(&results));
    Ok(ExitCode::SUCCESS)
}
