//! What the CLI prints: JSON (pretty, coloured on a terminal, or compact),
//! an operation's description for `show`, and Clerk's errors.

use std::fmt::Write as _;
use std::io::IsTerminal;

use serde_json::Value;

use clerk_api_model::{Api, BodyEncoding, Operation};

use crate::model;

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
pub fn show(api: &Api, op: &Operation) -> String {
    let mut out = format!(
        "{} {}  ({} · operation {} · tag {} · API {})\n",
        op.method.as_str(),
        op.path,
        model::label(op),
        op.id,
        model::tag(op),
        api.version
    );
    if op.deprecated {
        out.push_str("DEPRECATED\n");
    }
    if !op.aliases.is_empty() {
        let _ = writeln!(
            out,
            "Also answers to its old name: {}",
            op.aliases.join(", ")
        );
    }
    let summary = op.summary.as_deref().unwrap_or_default().trim();
    if !summary.is_empty() {
        let _ = writeln!(out, "\n{summary}");
    }
    let description = op.description.as_deref().unwrap_or_default().trim();
    if !description.is_empty() && description != summary {
        let _ = writeln!(out, "\n{description}");
    }
    if let Some(what) = &op.destructive {
        let _ = writeln!(
            out,
            "\nIrreversible: destroys {what}. Asks for confirmation (or --yes)."
        );
    }
    if let Some(rule) = op.metadata {
        let _ = writeln!(out, "\nMetadata: {}.", crate::call::metadata_rule(rule));
    }
    if !op.params.is_empty() {
        out.push_str("\nParameters (* required):\n");
        for p in &op.params {
            let _ = writeln!(out, "  {}", crate::commands::describe(api, p));
        }
    }
    if let Some(body) = &op.body {
        let encoding = match body.encoding {
            BodyEncoding::Json => "json",
            BodyEncoding::FormUrlEncoded => "form",
            BodyEncoding::Multipart => "multipart",
        };
        let _ = writeln!(
            out,
            "\nBody ({encoding}{}; * required):",
            if body.required { ", required" } else { "" }
        );
        model::tree(api, &body.ty, 1, &mut Vec::new(), &mut out);
    }
    out.push_str("\nResponses:\n");
    for r in &op.responses {
        let ty =
            r.ty.as_ref()
                .map(|t| format!(" → {}", model::display(api, t)))
                .unwrap_or_default();
        let _ = writeln!(out, "  {}{ty}  {}", r.status, r.description);
    }
    if let Some(pagination) = &op.pagination {
        let how = match &pagination.cursor {
            Some(cursor) => format!(
                "by --{} and --{}, then by the cursor --{}",
                model::command_name(&pagination.limit),
                model::command_name(&pagination.offset),
                model::command_name(&cursor.param)
            ),
            None => format!(
                "by --{} and --{}",
                model::command_name(&pagination.limit),
                model::command_name(&pagination.offset)
            ),
        };
        let _ = writeln!(out, "\nPaginated ({how}): --all walks every page.");
    }
    out
}

/// Clerk's error list, readably, with the trace id.
pub fn api_error(op: &str, api: &clerk_api::ApiError<Value>) -> String {
    let mut out = format!("error: {op}: HTTP {}", api.status);
    if let Some(trace) = api.trace_id() {
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
        None if !api.raw_body.is_empty() => {
            let _ = writeln!(out, "  {}", api.body_excerpt());
        }
        None => {}
    }
    if let Some(wait) = api.retry_after {
        let _ = writeln!(out, "  retry after {} s", wait.as_secs());
    }
    out
}
