//! `cargo xtask diff OLD NEW`: resolves each side (a pinned version, a
//! version at a git ref, or a file), builds both models with `codegen`,
//! compares them (`codegen::diff`) and renders the report as text,
//! markdown or JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use codegen::diff::{Change, RULES, Report, Severity};

use crate::fetch::{Fetched, Fetcher};
use crate::lock::{Kind, Lock, SpecPaths, is_version};

/// One side of a diff, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A pinned version: `2025-11-10`.
    Pinned(String),
    /// A version at a git ref: `2025-11-10@f8ab645c`.
    AtRef { version: String, git_ref: String },
    /// A spec file.
    File(PathBuf),
}

impl Side {
    /// The version the side names, if it names one.
    pub fn version(&self) -> Option<&str> {
        match self {
            Side::Pinned(version) | Side::AtRef { version, .. } => Some(version),
            Side::File(_) => None,
        }
    }

    pub fn parse(text: &str) -> Result<Side> {
        if let Some((version, git_ref)) = text.split_once('@') {
            if !is_version(version) {
                bail!("{text:?}: expected VERSION@REF such as 2025-11-10@f8ab645c");
            }
            if git_ref.is_empty() {
                bail!("{text:?}: the ref after `@` is empty");
            }
            return Ok(Side::AtRef {
                version: version.into(),
                git_ref: git_ref.into(),
            });
        }
        if is_version(text) {
            return Ok(Side::Pinned(text.into()));
        }
        let path = PathBuf::from(text);
        if path.is_file() {
            return Ok(Side::File(path));
        }
        bail!(
            "{text:?} is neither a version (2025-11-10), a version at a ref (2025-11-10@f8ab645c) nor a spec file"
        )
    }
}

/// Where a side's spec file is, fetching it when needed: a pinned version
/// of `kind` into the specs folder (verified against its pin), a version at
/// a ref into `cache` (verified when the ref is the pin's own).
pub fn spec_file(
    side: &Side,
    kind: Kind,
    lock: &Lock,
    paths: &SpecPaths,
    fetcher: &dyn Fn() -> Result<Fetcher>,
    cache: &Path,
) -> Result<PathBuf> {
    match side {
        Side::File(path) => Ok(path.clone()),
        Side::Pinned(version) => {
            let pin = lock.get(kind, version).with_context(|| {
                format!(
                    "{kind} {version} is not pinned (pinned: {}); give VERSION@REF or a file",
                    lock.versions(kind).join(", ")
                )
            })?;
            let fetched = fetcher()?.fetch(pin, None, &paths.dir(kind))?;
            Ok(fetched_path(fetched))
        }
        Side::AtRef { version, git_ref } => {
            let fetcher = fetcher()?;
            let git_ref = fetcher.source().resolve_ref(git_ref);
            let dir = cache.join(&git_ref).join(kind.as_str());
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            match lock.get(kind, version).filter(|pin| pin.git_ref == git_ref) {
                Some(pin) => Ok(fetched_path(fetcher.fetch(pin, Some(&git_ref), &dir)?)),
                None => {
                    fetcher.repin(kind, version, &git_ref, &dir)?;
                    Ok(dir.join(format!("{version}.yml")))
                }
            }
        }
    }
}

fn fetched_path(fetched: Fetched) -> PathBuf {
    match fetched {
        Fetched::UpToDate { path } | Fetched::Written { path, .. } => path,
    }
}

/// The model of a spec file, with the workspace's overlays applied (those
/// of its kind and version), as generation sees it. A webhooks document
/// (one with events) is named by `version`, or its file name: its
/// `info.version` says nothing useful.
pub fn model(path: &Path, workspace: &Path, version: Option<&str>) -> Result<codegen::model::Api> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    let mut value = codegen::load::parse(&name, &text)?;
    let kind = if value.get(codegen::lower::WEBHOOKS).is_some() || value.get("webhooks").is_some() {
        Kind::Webhooks
    } else {
        Kind::Bapi
    };
    // The version decides the overlays.
    let version = match (kind, version) {
        (Kind::Webhooks, Some(v)) => v.to_string(),
        (Kind::Webhooks, None) => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        (Kind::Bapi, _) => value
            .pointer("/info/version")
            .and_then(|v| v.as_str())
            .with_context(|| format!("{name} has no `info.version`"))?
            .to_string(),
    };
    let overlays = crate::generate::overlays_for(workspace, kind, &version)?;
    codegen::load::apply_overlays(&mut value, &crate::generate::overlay_texts(&overlays))?;
    let spec = codegen::load::to_openapi(&name, &value)?;
    let mut api = codegen::lower::lower(&spec)?;
    if kind == Kind::Webhooks {
        api.version = version;
    }
    Ok(api)
}

/// How to render a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text { color: bool },
    Markdown,
    Json,
}

pub fn render(report: &Report, old_label: &str, new_label: &str, format: Format) -> String {
    match format {
        Format::Text { color } => text(report, old_label, new_label, color),
        Format::Markdown => markdown(report, old_label, new_label),
        Format::Json => json(report, old_label, new_label),
    }
}

fn headline(report: &Report) -> String {
    let ops = &report.operations;
    let moved = ops.moved.unwrap_or(0);
    let events = &report.events;
    if events != &Default::default() {
        // A webhooks document: events, not operations.
        return format!(
            "events: {} added, {} removed, {} changed · schemas: {} added, {} removed, {} changed",
            events.added,
            events.removed,
            events.changed,
            report.schemas.added,
            report.schemas.removed,
            report.schemas.changed
        );
    }
    format!(
        "operations: {} added, {} removed, {} moved, {} changed (by method and path: {} added, {} removed) · schemas: {} added, {} removed, {} changed",
        ops.added,
        ops.removed,
        moved,
        ops.changed,
        ops.added + moved,
        ops.removed + moved,
        report.schemas.added,
        report.schemas.removed,
        report.schemas.changed
    )
}

fn totals(report: &Report) -> String {
    format!(
        "{} breaking, {} warning, {} info",
        report.count(Severity::Breaking),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    )
}

/// Changes by group (tag, `schemas`, `rust`), groups in name order with
/// `schemas` and `rust` last, changes by severity then subject.
fn grouped(report: &Report) -> Vec<(&str, Vec<&Change>)> {
    let mut groups: Vec<(&str, Vec<&Change>)> = Vec::new();
    for change in &report.changes {
        match groups.iter_mut().find(|(g, _)| *g == change.group) {
            Some((_, list)) => list.push(change),
            None => groups.push((&change.group, vec![change])),
        }
    }
    let rank = |g: &str| match g {
        "events" => 1,
        "schemas" => 2,
        "rust" => 3,
        _ => 0,
    };
    groups.sort_by(|a, b| (rank(a.0), a.0).cmp(&(rank(b.0), b.0)));
    for (_, list) in &mut groups {
        list.sort_by(|a, b| {
            (a.severity, &a.subject, &a.location).cmp(&(b.severity, &b.subject, &b.location))
        });
    }
    groups
}

fn group_title(group: &str) -> String {
    match group {
        "events" => "Webhook events".into(),
        "schemas" => "Component schemas".into(),
        "rust" => "Rust API (what a user meets when switching the feature)".into(),
        tag => format!("Tag {tag}"),
    }
}

fn where_(change: &Change) -> String {
    if change.location.is_empty() {
        change.subject.clone()
    } else {
        format!("{} › {}", change.subject, change.location)
    }
}

fn text(report: &Report, old_label: &str, new_label: &str, color: bool) -> String {
    let paint = |severity: Severity, s: &str| -> String {
        if !color {
            return s.to_string();
        }
        let code = match severity {
            Severity::Breaking => "1;31",
            Severity::Warning => "33",
            Severity::Info => "2",
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    };
    let mut out = format!(
        "{old_label} → {new_label}\n{}\n{}\n",
        headline(report),
        totals(report)
    );
    for (group, changes) in grouped(report) {
        let _ = writeln!(out, "\n{}", group_title(group));
        for c in changes {
            let label = format!("{:<8}", c.severity.as_str());
            let _ = writeln!(
                out,
                "  {} {}: {} [{}]",
                paint(c.severity, &label),
                where_(c),
                c.detail,
                c.rule
            );
        }
    }
    out
}

fn markdown(report: &Report, old_label: &str, new_label: &str) -> String {
    let mut out = format!(
        "## Clerk {} {old_label} → {new_label}\n\n{}\n\n**{}**\n",
        if report.events == Default::default() {
            "Backend API"
        } else {
            "webhook events"
        },
        headline(report),
        totals(report)
    );
    for severity in [Severity::Breaking, Severity::Warning, Severity::Info] {
        let any = report.changes.iter().any(|c| c.severity == severity);
        if !any {
            continue;
        }
        let title = match severity {
            Severity::Breaking => "Breaking changes",
            Severity::Warning => "Warnings",
            Severity::Info => "Other changes",
        };
        let _ = writeln!(out, "\n### {title}\n");
        for (group, changes) in grouped(report) {
            let list: Vec<_> = changes
                .into_iter()
                .filter(|c| c.severity == severity)
                .collect();
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "#### {}\n", group_title(group));
            for c in list {
                let _ = writeln!(
                    out,
                    "- `{}`: {} (`{}`)",
                    where_(c).replace('`', "'"),
                    c.detail.replace('`', "'"),
                    c.rule
                );
            }
            out.push('\n');
        }
    }
    out
}

/// The JSON shape (stable; new fields may be added, none removed):
/// `{ "format": 1, "old": label, "new": label, "old_version", "new_version",
///   "operations": {added, removed, moved, changed}, "events": {added,
///   removed, changed}, "schemas": {added, removed, changed}, "totals":
///   {breaking, warning, info},
///   "changes": [{severity, rule, group, subject, location, detail}] }`.
fn json(report: &Report, old_label: &str, new_label: &str) -> String {
    let value = serde_json::json!({
        "format": 1,
        "old": old_label,
        "new": new_label,
        "old_version": report.old,
        "new_version": report.new,
        "operations": report.operations,
        "events": report.events,
        "schemas": report.schemas,
        "totals": {
            "breaking": report.count(Severity::Breaking),
            "warning": report.count(Severity::Warning),
            "info": report.count(Severity::Info),
        },
        "changes": report.changes,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// `--rules`: one line per rule.
pub fn rules() -> String {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    RULES
        .iter()
        .map(|r| {
            format!(
                "{:<width$}  {:<8}  {}\n",
                r.id,
                r.severity.as_str(),
                r.summary
            )
        })
        .collect()
}
