//! `clerk GROUP NAME …` and `clerk request …`: arguments checked against
//! the catalog, guard rails, then one request (or every page) through
//! `clerk-api`'s client.

use std::io::Write as _;

use serde_json::{Map, Value};

use crate::catalog::{Catalog, Operation, Param};
use crate::{Cli, exit, output};

/// The parsed command line of an operation call.
struct Call {
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    all: bool,
}

/// `clerk GROUP NAME [PATH ARGS…] [--PARAM VALUE…] [--data JSON] [--all]`.
pub fn operation(cli: &Cli, catalog: &Catalog, words: &[String]) -> u8 {
    let (Some(group), Some(name)) = (words.first(), words.get(1)) else {
        eprintln!("error: give GROUP NAME, e.g. `clerk users list`; see `clerk search`");
        return exit::USAGE;
    };
    let Some(op) = catalog.find(&[group.clone(), name.clone()]) else {
        eprintln!(
            "error: no operation `{group} {name}` in API {}: see `clerk search \"{group} {name}\"`",
            catalog.version
        );
        return exit::USAGE;
    };
    let call = match parse(op, &words[2..]) {
        Ok(call) => call,
        Err(message) => {
            eprintln!(
                "error: {}.{}: {message}\n(see `clerk show {}.{}`)",
                op.group, op.name, op.group, op.name
            );
            return exit::USAGE;
        }
    };
    if let Some(code) = guard(cli, op, call.body.as_ref()) {
        return code;
    }
    send(cli, catalog, op.id, op.method, call)
}

/// `clerk request METHOD PATH [--query K=V…] [--data JSON]`.
pub fn raw(
    cli: &Cli,
    catalog: &Catalog,
    method: &str,
    path: &str,
    query: &[String],
    data: Option<&str>,
) -> u8 {
    let method = method.to_uppercase();
    let mut pairs = Vec::new();
    for q in query {
        let Some((k, v)) = q.split_once('=') else {
            eprintln!("error: --query {q:?}: expected K=V");
            return exit::USAGE;
        };
        pairs.push((k.to_string(), v.to_string()));
    }
    let body = match data.map(serde_json::from_str::<Value>).transpose() {
        Ok(body) => body,
        Err(e) => {
            eprintln!("error: --data is not JSON: {e}");
            return exit::USAGE;
        }
    };
    // The catalog's operation, when the path matches one: its guard rails apply.
    let op = catalog
        .operations
        .iter()
        .find(|o| o.method == method && template_matches(o.path, path));
    let id = op.map_or("raw", |o| o.id);
    match op {
        Some(op) => {
            if let Some(code) = guard(cli, op, body.as_ref()) {
                return code;
            }
        }
        None if cli.read_only && !cli.admin && method != "GET" => {
            eprintln!(
                "error: refusing {method} {path}: read-only mode (--read-only / CLERK_CLI_READ_ONLY); add --admin to allow this one command"
            );
            return exit::REFUSED;
        }
        None => {}
    }
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    send(
        cli,
        catalog,
        id,
        &method,
        Call {
            path,
            query: pairs,
            body,
            all: false,
        },
    )
}

fn template_matches(template: &str, path: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (
        template.trim_matches('/').split('/').collect(),
        path.trim_matches('/').split('/').collect(),
    );
    a.len() == b.len() && a.iter().zip(&b).all(|(t, p)| t.starts_with('{') || t == p)
}

/// Checks the arguments against the operation and builds the request.
fn parse(op: &Operation, args: &[String]) -> Result<Call, String> {
    let path_params: Vec<&Param> = op.params.iter().filter(|p| p.location == "path").collect();
    let mut positional = Vec::new();
    let mut flags: Vec<(String, String)> = Vec::new();
    let mut data = None;
    let mut all = false;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--all" {
            all = true;
        } else if let Some(flag) = arg.strip_prefix("--") {
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => {
                    i += 1;
                    let value = args
                        .get(i)
                        .ok_or_else(|| format!("--{flag} needs a value"))?;
                    (flag.to_string(), value.clone())
                }
            };
            if name == "data" {
                data = Some(
                    serde_json::from_str::<Value>(&value)
                        .map_err(|e| format!("--data is not JSON: {e}"))?,
                );
            } else {
                flags.push((name.replace('-', "_"), value));
            }
        } else {
            positional.push(arg.clone());
        }
        i += 1;
    }
    if all && !op.paginated {
        return Err("--all: this operation is not paginated".into());
    }
    if positional.len() > path_params.len() {
        return Err(format!(
            "too many positional arguments: it takes {} ({})",
            path_params.len(),
            names(&path_params)
        ));
    }
    // Path parameters: positional in order, or by flag.
    let mut path = op.path.to_string();
    for (n, p) in path_params.iter().enumerate() {
        let value = match positional.get(n) {
            Some(v) => v.clone(),
            None => match take(&mut flags, p.name) {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "missing {} (path parameter {}; give it after the name)",
                        p.name,
                        n + 1
                    ));
                }
            },
        };
        path = path.replace(&format!("{{{}}}", p.name), &escape(&value));
    }
    let mut query = Vec::new();
    for p in op.params.iter().filter(|p| p.location == "query") {
        let values: Vec<String> = take_all(&mut flags, p.name);
        if values.is_empty() && p.required {
            return Err(format!("missing --{} (required)", p.name.replace('_', "-")));
        }
        for value in values {
            for single in split_array(p, &value) {
                check(p, &single)?;
                query.push((p.name.to_string(), single));
            }
        }
    }
    let mut body = match data {
        Some(Value::Object(map)) => Some(map),
        Some(_) => return Err("--data must be a JSON object".into()),
        None => None,
    };
    if let Some(spec) = &op.body {
        for f in spec.fields {
            let values = take_all(&mut flags, f.name);
            if values.is_empty() {
                continue;
            }
            let value = body_value(f, &values)?;
            body.get_or_insert_with(Map::new)
                .insert(f.name.to_string(), value);
        }
        for f in spec.fields.iter().filter(|f| f.required) {
            if !body.as_ref().is_some_and(|b| b.contains_key(f.name)) {
                return Err(format!(
                    "missing --{} (required in the body)",
                    f.name.replace('_', "-")
                ));
            }
        }
        if spec.required && body.is_none() {
            body = Some(Map::new());
        }
    }
    if let Some((name, _)) = flags.first() {
        let known: Vec<String> = op
            .params
            .iter()
            .chain(op.body.iter().flat_map(|b| b.fields.iter()))
            .map(|p| format!("--{}", p.name.replace('_', "-")))
            .collect();
        return Err(format!(
            "unknown parameter --{}; it takes: {}",
            name.replace('_', "-"),
            known.join(" ")
        ));
    }
    Ok(Call {
        path,
        query,
        body: body.map(Value::Object),
        all,
    })
}

fn names(params: &[&Param]) -> String {
    params.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

fn take(flags: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let i = flags.iter().position(|(n, _)| n == name)?;
    Some(flags.remove(i).1)
}

fn take_all(flags: &mut Vec<(String, String)>, name: &str) -> Vec<String> {
    let mut values = Vec::new();
    while let Some(v) = take(flags, name) {
        values.push(v);
    }
    values
}

/// An array parameter accepts repeated flags or one comma-separated value.
fn split_array(p: &Param, value: &str) -> Vec<String> {
    if p.ty.starts_with("Vec<") {
        value.split(',').map(str::to_string).collect()
    } else {
        vec![value.to_string()]
    }
}

/// The scalar type of a parameter, arrays unwrapped.
fn scalar(p: &Param) -> &str {
    p.ty.strip_prefix("Vec<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(p.ty)
}

fn check(p: &Param, value: &str) -> Result<(), String> {
    let flag = p.name.replace('_', "-");
    let ok = match scalar(p) {
        "i64" | "i32" => value.parse::<i64>().is_ok(),
        "f64" => value.parse::<f64>().is_ok(),
        "bool" => value == "true" || value == "false",
        _ => true,
    };
    if !ok {
        return Err(format!("--{flag} {value:?}: expected {}", scalar(p)));
    }
    if !p.values.is_empty() && !p.values.contains(&value) {
        return Err(format!(
            "--{flag} {value:?}: expected one of {}",
            p.values.join(", ")
        ));
    }
    Ok(())
}

/// A body field's JSON value from its flag(s): typed scalars, arrays from
/// repeats or commas, objects as JSON.
fn body_value(f: &Param, values: &[String]) -> Result<Value, String> {
    let one = |value: &str| -> Result<Value, String> {
        check(f, value)?;
        Ok(match scalar(f) {
            "i64" | "i32" => Value::from(value.parse::<i64>().map_err(|e| e.to_string())?),
            "f64" => Value::from(value.parse::<f64>().map_err(|e| e.to_string())?),
            "bool" => Value::Bool(value == "true"),
            "String" => Value::String(value.to_string()),
            _ => serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string())),
        })
    };
    if f.ty.starts_with("Vec<") {
        let mut items = Vec::new();
        for v in values {
            for single in split_array(f, v) {
                items.push(one(&single)?);
            }
        }
        return Ok(Value::Array(items));
    }
    if values.len() > 1 {
        return Err(format!(
            "--{} given {} times",
            f.name.replace('_', "-"),
            values.len()
        ));
    }
    one(&values[0])
}

/// Percent-encodes a path segment.
fn escape(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Read-only mode, confirmation of irreversible operations, and what a
/// metadata write does. `Some(code)` stops the command.
fn guard(cli: &Cli, op: &Operation, body: Option<&Value>) -> Option<u8> {
    let label = format!("{}.{} ({} {})", op.group, op.name, op.method, op.path);
    if cli.read_only && !cli.admin && op.method != "GET" {
        eprintln!(
            "error: refusing {label}: read-only mode (--read-only / CLERK_CLI_READ_ONLY) allows GET only; add --admin to allow this one command"
        );
        return Some(exit::REFUSED);
    }
    if let Some(Value::Object(fields)) = body {
        let written: Vec<&str> = fields
            .keys()
            .map(String::as_str)
            .filter(|k| k.ends_with("_metadata"))
            .collect();
        if !written.is_empty() {
            let how = match op.metadata {
                "merge" => {
                    "will be deep-merged into the stored values: keys you do not send are kept, a key set to null is removed"
                }
                "replace" => {
                    "will REPLACE the stored values: keys you do not send are lost (`clerk search \"merge metadata\"` finds the merging operation)"
                }
                _ => "will be set as given",
            };
            eprintln!("note: {} {how}", written.join(", "));
        }
    }
    if op.is_destructive() {
        let what = if op.summary.is_empty() {
            op.description
        } else {
            op.summary
        };
        eprintln!("{label} is irreversible: {what}.");
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

fn client(cli: &Cli) -> Result<clerk_api::Client, String> {
    let key =
        std::env::var("CLERK_SECRET_KEY").map_err(|_| "CLERK_SECRET_KEY is not set".to_string())?;
    let mut builder = clerk_api::Client::builder()
        .secret_key(key)
        .observe(|exchange| {
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

fn send(cli: &Cli, catalog: &Catalog, id: &'static str, method: &str, call: Call) -> u8 {
    let client = match client(cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::ENVIRONMENT;
        }
    };
    let Ok(method) = reqwest::Method::from_bytes(method.as_bytes()) else {
        eprintln!("error: {method:?} is not an HTTP method");
        return exit::USAGE;
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::ENVIRONMENT;
        }
    };
    let version = catalog.version;
    let result = runtime.block_on(async {
        if !call.all {
            return client
                .request_json(
                    version,
                    id,
                    method,
                    &call.path,
                    &call.query,
                    call.body.as_ref(),
                )
                .await;
        }
        // Every page: offset and limit, until a short page or the total.
        let limit: usize = call
            .query
            .iter()
            .find(|(k, _)| k == "limit")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(100);
        let mut query: Vec<(String, String)> = call
            .query
            .into_iter()
            .filter(|(k, _)| k != "limit" && k != "offset")
            .collect();
        query.push(("limit".into(), limit.to_string()));
        let mut items = Vec::new();
        loop {
            let mut page_query = query.clone();
            page_query.push(("offset".into(), items.len().to_string()));
            let page = client
                .request_json(version, id, method.clone(), &call.path, &page_query, None)
                .await?;
            let (page_items, total) = match page {
                Value::Array(list) => (list, None),
                Value::Object(mut envelope) => {
                    let total = envelope.get("total_count").and_then(Value::as_u64);
                    let key = envelope
                        .iter()
                        .find(|(_, v)| v.is_array())
                        .map(|(k, _)| k.clone());
                    let list = key
                        .and_then(|k| envelope.remove(&k))
                        .and_then(|v| {
                            if let Value::Array(l) = v {
                                Some(l)
                            } else {
                                None
                            }
                        })
                        .unwrap_or_default();
                    (list, total)
                }
                _ => (Vec::new(), None),
            };
            let short = page_items.len() < limit;
            items.extend(page_items);
            if short || total.is_some_and(|t| items.len() as u64 >= t) {
                return Ok(Value::Array(items));
            }
        }
    });
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
            eprintln!("error: {id}: no answer from {}: {e}", client.base_url());
            exit::ENVIRONMENT
        }
        Err(e) => {
            eprintln!("error: {id}: {e}");
            exit::API_ERROR
        }
    }
}
