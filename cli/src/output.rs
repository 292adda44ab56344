//! What the CLI prints: JSON (pretty, coloured on a terminal, or compact),
//! an operation's description for `show`, and Clerk's errors.

use std::fmt::Write as _;
use std::io::IsTerminal;

use serde_json::Value;

use crate::catalog::{Catalog, Operation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Indented JSON, coloured on a terminal.
    Pretty,
    /// One line of JSON, for scripts.
    Json,
}

pub fn json(value: &Value, format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string(value).unwrap_or_default(),
        Format::Pretty => {
            let text = serde_json::to_string_pretty(value).unwrap_or_default();
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                colour(&text)
            } else {
                text
            }
        }
    }
}

/// Colours pretty JSON: keys blue, strings green, other values yellow.
fn colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        out.push_str(indent);
        let (key, rest) = match trimmed.find("\": ") {
            Some(i) if trimmed.starts_with('"') => (&trimmed[..=i], &trimmed[i + 1..]),
            _ => ("", trimmed),
        };
        if !key.is_empty() {
            let _ = write!(out, "\x1b[34m{key}\x1b[0m");
        }
        let value = rest.trim_start_matches(": ");
        if !key.is_empty() {
            out.push_str(": ");
        }
        let code = if value.starts_with('"') {
            "32"
        } else if value.starts_with(['{', '}', '[', ']']) {
            ""
        } else {
            "33"
        };
        if code.is_empty() {
            out.push_str(value);
        } else {
            let (body, comma) = match value.strip_suffix(',') {
                Some(b) => (b, ","),
                None => (value, ""),
            };
            let _ = write!(out, "\x1b[{code}m{body}\x1b[0m{comma}");
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// `clerk show`: everything about an operation, nothing sent.
pub fn show(catalog: &Catalog, op: &Operation) -> String {
    let mut out = format!(
        "{} {}  ({}.{} · operation {} · tag {} · API {})\n",
        op.method, op.path, op.group, op.name, op.id, op.tag, catalog.version
    );
    if op.deprecated {
        out.push_str("DEPRECATED\n");
    }
    if !op.summary.is_empty() {
        let _ = writeln!(out, "\n{}", op.summary);
    }
    if !op.description.is_empty() && op.description != op.summary {
        let _ = writeln!(out, "\n{}", op.description);
    }
    if op.is_destructive() {
        out.push_str("\nIrreversible: asks for confirmation (or --yes).\n");
    }
    match op.metadata {
        "merge" => {
            out.push_str("\nMetadata: deep-merged into the stored objects (null removes a key).\n")
        }
        "replace" => out.push_str("\nMetadata: each object sent replaces the stored one.\n"),
        _ => {}
    }
    if !op.params.is_empty() {
        out.push_str("\nParameters (* required):\n");
        for p in op.params {
            let _ = writeln!(out, "  {}", param_line(p));
        }
    }
    if let Some(body) = &op.body {
        let _ = writeln!(
            out,
            "\nBody ({}{}; * required):",
            body.encoding,
            if body.required { ", required" } else { "" }
        );
        for line in body.schema.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push_str("\nResponses:\n");
    for r in op.responses {
        let ty = if r.ty.is_empty() {
            String::new()
        } else {
            format!(" → {}", r.ty)
        };
        let _ = writeln!(out, "  {}{ty}  {}", r.status, r.description);
    }
    if op.paginated {
        out.push_str("\nPaginated: --all walks every page.\n");
    }
    out
}

fn param_line(p: &crate::catalog::Param) -> String {
    let mark = if p.required { "*" } else { "" };
    let mut line = format!(
        "--{}{mark}  {} ({})",
        p.name.replace('_', "-"),
        p.ty,
        p.location
    );
    if p.location == "path" {
        line = format!("{}{mark}  {} (path, positional)", p.name, p.ty);
    }
    if !p.values.is_empty() {
        let _ = write!(line, " one of: {}", p.values.join(", "));
    }
    if let Some(first) = p.description.lines().next().filter(|d| !d.is_empty()) {
        let _ = write!(line, " — {first}");
    }
    line
}

/// Clerk's error list, readably, with the trace id.
pub fn api_error(op: &str, api: &clerk_api::ApiError<Value>) -> String {
    let mut out = format!("error: {op}: HTTP {}", api.status);
    if let Some(trace) = &api.trace_id {
        let _ = write!(out, " (trace id {trace})");
    }
    out.push('\n');
    let errors = api
        .body
        .as_ref()
        .and_then(|b| b.get("errors"))
        .and_then(Value::as_array);
    match errors {
        Some(errors) => {
            for e in errors {
                let text = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                let _ = write!(out, "  - {}: {}", text("code"), text("message"));
                let long = text("long_message");
                if !long.is_empty() && long != text("message") {
                    let _ = write!(out, " — {long}");
                }
                if let Some(name) = e.pointer("/meta/param_name").and_then(Value::as_str) {
                    let _ = write!(out, " (parameter {name})");
                }
                out.push('\n');
            }
        }
        None if !api.body_excerpt.is_empty() => {
            let _ = writeln!(out, "  {}", api.body_excerpt);
        }
        None => {}
    }
    if let Some(wait) = api.retry_after {
        let _ = writeln!(out, "  retry after {} s", wait.as_secs());
    }
    out
}
