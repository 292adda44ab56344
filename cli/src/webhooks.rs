//! `clerk webhooks …`: the events Clerk sends to webhook endpoints, read
//! from the embedded model of each webhooks version, and offline
//! verification of a captured delivery. The Backend API's own `webhooks`
//! group (the Svix application) stays reachable as `clerk webhooks <op>`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use clerk_api::events::{EventError, Verifier};
use clerk_api_model::Api;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::{error, exit, outln};

/// `clerk webhooks events`: each event type with its summary.
pub fn events(api: &Api) -> u8 {
    outln!(
        "{} events of webhooks version {}:",
        api.events.len(),
        api.version
    );
    for event in &api.events {
        let summary = event
            .summary
            .as_deref()
            .or(event.description.as_deref())
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default();
        outln!("{:<40} {summary}", event.name);
    }
    exit::OK
}

/// `clerk webhooks show TYPE`: the payload schema of one event.
pub fn show(api: &Api, name: &str) -> u8 {
    let Some(event) = api.events.iter().find(|e| e.name == name) else {
        let close: Vec<&str> = api
            .events
            .iter()
            .map(|e| e.name.as_str())
            .filter(|n| n.split('.').next() == name.split('.').next())
            .collect();
        let hint = if close.is_empty() {
            "see `clerk webhooks events`".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        return error(exit::USAGE, &format!("no event type {name:?}: {hint}"));
    };
    let mut out = format!(
        "{}  (webhooks {}, variant Event::{})\n",
        event.name, api.version, event.variant
    );
    if let Some(text) = event.description.as_deref().or(event.summary.as_deref()) {
        let _ = writeln!(out, "{}\n", text.trim());
    }
    let _ = writeln!(out, "Payload (* required):");
    crate::model::tree(api, &event.payload, 1, &mut Vec::new(), &mut out);
    outln!("{}", out.trim_end());
    exit::OK
}

/// The headers of a captured delivery: `Name: value` lines as a request log
/// shows them (a request line and blank lines are skipped).
fn read_headers(text: &str) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("POST ") || line.starts_with("HTTP/") {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: expected `Name: value`", i + 1))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| format!("line {}: {:?} is not a header name", i + 1, name.trim()))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| format!("line {}: the value of {name} is not visible ASCII", i + 1))?;
        headers.append(name, value);
    }
    Ok(headers)
}

/// `clerk webhooks verify --headers FILE --body FILE`: checks a captured
/// delivery offline with the signing secret in `secret_env`.
pub fn verify(api: &Api, headers: &Path, body: &Path, secret_env: &str, any_time: bool) -> u8 {
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let (header_text, body) = match (read(headers), read(body)) {
        (Ok(h), Ok(b)) => (h, b),
        (Err(e), _) | (_, Err(e)) => return error(exit::USAGE, &e),
    };
    let headers = match read_headers(&String::from_utf8_lossy(&header_text)) {
        Ok(h) => h,
        Err(e) => return error(exit::USAGE, &format!("{}: {e}", "the headers file")),
    };
    let secret = match std::env::var(secret_env) {
        Ok(s) if !s.trim().is_empty() => s,
        _ => {
            return error(
                exit::ENVIRONMENT,
                &format!("set {secret_env} to the endpoint's signing secret (whsec_…)"),
            );
        }
    };
    let verifier = match Verifier::new(&secret) {
        Ok(v) => v,
        Err(e) => return error(exit::ENVIRONMENT, &e.to_string()),
    };
    // The signature first, whatever the time; then the timestamp as a live
    // endpoint would see it now.
    let signed = match verifier
        .clone()
        .tolerance(Duration::from_secs(u64::MAX / 4))
        .verify(&headers, &body)
    {
        Ok(signed) => signed,
        Err(e) => {
            return error(
                exit::API_ERROR,
                &format!("not verified: {e} ({})", e.code()),
            );
        }
    };
    let event_type = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("type")?.as_str().map(str::to_owned));
    outln!(
        "signature: valid (delivery {}, timestamp {})",
        signed.id,
        signed.timestamp
    );
    match &event_type {
        Some(t) if api.events.iter().any(|e| &e.name == t) => {
            outln!("event: {t} (known to webhooks {})", api.version)
        }
        Some(t) => outln!(
            "event: {t} (not in webhooks {}: it decodes as Event::Unknown)",
            api.version
        ),
        None => outln!("event: the body has no `type`"),
    }
    match verifier.verify(&headers, &body) {
        Ok(_) => {
            outln!("timestamp: within the tolerance (5 minutes)");
            exit::OK
        }
        Err(e @ (EventError::TooOld { .. } | EventError::TooNew { .. })) if any_time => {
            outln!("timestamp: {e}; accepted with --any-time");
            exit::OK
        }
        Err(e) => error(
            exit::API_ERROR,
            &format!(
                "{e}: a live endpoint refuses it (add --any-time to check the signature only)"
            ),
        ),
    }
}
