//! Sending: the guard rails (read-only mode, confirmation of what an
//! operation destroys, what a metadata write does), then one request or
//! every page through `clerk-api`'s runtime, the same one the typed
//! clients use (key, headers, retries, path escaping, paging).

use std::io::Write as _;

use clerk_api::{Config, PageRule};
use clerk_api_model::{Api, MetadataWrite, Method, Operation};
use serde_json::Value;

use crate::commands::Request;
use crate::{Cli, exit, output};

/// What a metadata write does to the stored objects, as `show`, `--help`
/// and the note before sending say it.
pub fn metadata_rule(rule: MetadataWrite) -> &'static str {
    match rule {
        MetadataWrite::Merge => {
            "deep-merged into the stored objects: keys you do not send are kept, a key set to null is removed"
        }
        MetadataWrite::Replace => {
            "each object sent REPLACES the stored one: keys you do not send are lost (`clerk search \"merge metadata\"` finds the merging operation)"
        }
        MetadataWrite::Create => "stored as given on the new resource",
    }
}

/// `clerk GROUP NAME …`, its arguments already checked.
pub fn operation(cli: &Cli, api: &'static Api, op: &'static Operation, request: Request) -> u8 {
    if let Some(code) = guard(cli, Some(op), op.method.as_str(), request.body.as_ref()) {
        return code;
    }
    let config = match config(cli) {
        Ok(c) => c,
        Err(e) => return crate::error(exit::ENVIRONMENT, &e),
    };
    let mut call = config.json_call(&api.version, &op.id, method(op.method), request.path);
    for (name, value, joined) in &request.query {
        call = match (value, joined) {
            (Value::Array(values), true) => call.query_joined(name, values),
            _ => call.query(name, value),
        };
    }
    for (name, value) in &request.headers {
        call = call.header(name, value);
    }
    if let Some(body) = &request.body {
        call = call.json(body);
    }
    let call = call.call();
    let runtime = match runtime() {
        Ok(r) => r,
        Err(e) => return crate::error(exit::ENVIRONMENT, &e),
    };
    let result = runtime.block_on(async {
        match (&op.pagination, request.all) {
            (Some(pagination), true) => {
                let mut rule = PageRule::offset(&*pagination.limit, &*pagination.offset);
                if let Some(items) = &pagination.items {
                    rule = rule.items(&*items.name);
                }
                if let Some(total) = &pagination.total {
                    rule = rule.total(&*total.name);
                }
                if let Some(cursor) = &pagination.cursor {
                    rule = rule.cursor(&*cursor.param, &*cursor.field.name);
                    if let Some(requires) = &cursor.requires {
                        rule = rule.cursor_requires(
                            &*requires.param,
                            requires.values.iter().map(String::as_str),
                        );
                    }
                }
                call.paged_json(rule)
                    .stream()
                    .try_collect()
                    .await
                    .map(Value::Array)
            }
            _ => call.await,
        }
    });
    print(cli, &op.id, &config, result)
}

/// `clerk request METHOD PATH [--query K=V…] [--data JSON]`: the model's
/// operation, when the path matches one, brings its guard rails.
pub fn raw(
    cli: &Cli,
    api: &'static Api,
    method_name: &str,
    path: &str,
    query: &[String],
    data: Option<&str>,
) -> u8 {
    let method_name = method_name.to_uppercase();
    let Ok(http_method) = reqwest::Method::from_bytes(method_name.as_bytes()) else {
        return crate::error(
            exit::USAGE,
            &format!("{method_name:?} is not an HTTP method"),
        );
    };
    let mut pairs = Vec::new();
    for q in query {
        let Some((k, v)) = q.split_once('=') else {
            return crate::error(exit::USAGE, &format!("--query {q:?}: expected K=V"));
        };
        pairs.push((k.to_string(), v.to_string()));
    }
    let body = match data.map(serde_json::from_str::<Value>).transpose() {
        Ok(body) => body,
        Err(e) => return crate::error(exit::USAGE, &format!("--data is not JSON: {e}")),
    };
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let op = api
        .operations
        .iter()
        .find(|o| o.method.as_str() == method_name && template_matches(&o.path, &path));
    if let Some(code) = guard(cli, op, &method_name, body.as_ref()) {
        return code;
    }
    let config = match config(cli) {
        Ok(c) => c,
        Err(e) => return crate::error(exit::ENVIRONMENT, &e),
    };
    let id = op.map_or("request", |o| o.id.as_str());
    let mut call = config.json_call(&api.version, id, http_method, path);
    for (k, v) in &pairs {
        call = call.query(k, &Value::String(v.clone()));
    }
    if let Some(body) = &body {
        call = call.json(body);
    }
    let runtime = match runtime() {
        Ok(r) => r,
        Err(e) => return crate::error(exit::ENVIRONMENT, &e),
    };
    let result = runtime.block_on(call.call());
    print(cli, id, &config, result)
}

fn template_matches(template: &str, path: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (
        template.trim_matches('/').split('/').collect(),
        path.trim_matches('/').split('/').collect(),
    );
    a.len() == b.len() && a.iter().zip(&b).all(|(t, p)| t.starts_with('{') || t == p)
}

fn method(method: Method) -> reqwest::Method {
    reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::GET)
}

/// Read-only mode, confirmation of irreversible operations, and what a
/// metadata write does. `Some(code)` stops the command.
fn guard(cli: &Cli, op: Option<&Operation>, method: &str, body: Option<&Value>) -> Option<u8> {
    let label = match op {
        Some(op) => format!("{} ({} {})", crate::model::label(op), method, op.path),
        None => method.to_string(),
    };
    if cli.read_only && !cli.admin && method != "GET" {
        eprintln!(
            "error: refusing {label}: read-only mode (--read-only / CLERK_CLI_READ_ONLY) allows GET only; add --admin to allow this one command"
        );
        return Some(exit::REFUSED);
    }
    let op = op?;
    if let (Some(rule), Some(Value::Object(fields))) = (op.metadata, body) {
        let written: Vec<&str> = fields
            .keys()
            .map(String::as_str)
            .filter(|k| k.ends_with("_metadata"))
            .collect();
        if !written.is_empty() {
            eprintln!("note: {}: {}", written.join(", "), metadata_rule(rule));
        }
    }
    if let Some(what) = &op.destructive {
        eprintln!("{label} is irreversible: it destroys {what}.");
        if !cli.yes {
            if !crate::interactive() {
                eprintln!(
                    "error: refusing without confirmation: no terminal to ask; add --yes to confirm"
                );
                return Some(exit::REFUSED);
            }
            eprint!("Type yes to continue: ");
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            let _ = std::io::stdin().read_line(&mut answer);
            if answer.trim() != "yes" {
                eprintln!("error: not confirmed; nothing was sent");
                return Some(exit::REFUSED);
            }
        }
    }
    None
}

fn config(cli: &Cli) -> Result<Config, String> {
    let key =
        std::env::var("CLERK_SECRET_KEY").map_err(|_| "CLERK_SECRET_KEY is not set".to_string())?;
    let mut builder = Config::builder().secret_key(key).observe(|exchange| {
        if let Some((429, headers)) = exchange.response {
            let wait = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map_or("a moment".to_string(), |s| format!("{s} s"));
            eprintln!(
                "rate limited (429) on {}: waiting {wait} as Clerk asks, then retrying",
                exchange.operation
            );
        }
    });
    if let Some(url) = &cli.base_url {
        builder = builder.base_url(url);
    }
    builder.build().map_err(|e| e.to_string())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

fn print(
    cli: &Cli,
    id: &str,
    config: &Config,
    result: Result<Value, clerk_api::Error<Value>>,
) -> u8 {
    match result {
        Ok(value) => {
            crate::outln!("{}", output::json(&value, cli.output));
            exit::OK
        }
        Err(clerk_api::Error::Api(api)) => {
            eprint!("{}", output::api_error(id, &api));
            exit::API_ERROR
        }
        Err(clerk_api::Error::Transport(e)) => {
            eprintln!("error: {id}: no answer from {}: {e}", config.base_url());
            exit::ENVIRONMENT
        }
        Err(e) => {
            eprintln!("error: {id}: {e}");
            exit::API_ERROR
        }
    }
}
