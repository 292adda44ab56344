//! Conformance against a third-party implementation of the specs:
//! Stoplight Prism (`tests/prism/`, pinned in its `package-lock.json`)
//! mocks each version's spec on 127.0.0.1, validates every request
//! against it, and answers with random data that follows the response
//! schemas (`-d`). The generated plan (`tests/conformance/v<V>.rs`) calls
//! every operation of the version's client:
//!
//! - several times with Prism's dynamic data, each call passing when
//!   Prism saw no violation in the request and the response decoded;
//! - once per declared error status (`Prefer: code=N`), passing when the
//!   client returns its typed API error with the body decoded (or
//!   without a body where the spec declares none).
//!
//! A failure the spec or Prism is provably to blame for is listed in
//! `tests/conformance-allow.toml` with its reason and evidence, and counted
//! apart. Run with the version features: `cargo test -p tests
//! --all-features --test conformance -- --nocapture` prints the summary.

// Generated and formatted by `cargo xtask gen`, not by rustfmt.
#[path = "../conformance/mod.rs"]
#[rustfmt::skip]
mod plans;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clerk_api::RetryPolicy;
use serde::de::DeserializeOwned;

/// Calls of each operation with dynamic data (optional, nullable and
/// `oneOf` branches differ per call).
const DYNAMIC_CALLS: usize = 3;

/// One operation of a plan.
pub struct Call {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Declared error statuses, and whether each declares a body.
    pub errors: &'static [(u16, bool)],
}

/// What one call came to.
#[derive(Debug)]
pub enum Outcome {
    Ok,
    Api {
        status: u16,
        decoded: bool,
        excerpt: String,
    },
    Decode {
        path: String,
        message: String,
        excerpt: String,
    },
    Other(String),
    NoSuchOperation,
}

/// The outcome of a client call.
pub fn outcome<T, E>(result: Result<T, clerk_api::Error<E>>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(clerk_api::Error::Api(api)) => Outcome::Api {
            status: api.status,
            decoded: api.body.is_some(),
            excerpt: api.body_excerpt(),
        },
        Err(clerk_api::Error::Decode(decode)) => Outcome::Decode {
            path: decode.path.clone(),
            message: decode.message.clone(),
            excerpt: decode.body_excerpt(),
        },
        Err(clerk_api::Error::Transport(e)) => {
            // reqwest's Display leaves out the cause, which says what happened.
            let causes: Vec<String> =
                std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
                    .map(ToString::to_string)
                    .collect();
            Outcome::Other(format!("transport: {}", causes.join(": ")))
        }
        Err(clerk_api::Error::Request(e)) => Outcome::Other(format!("request: {e}")),
        Err(_) => Outcome::Other("an error kind added after this test".into()),
    }
}

/// A sample argument, decoded into the type the method takes. A sample
/// that does not fit its own type is a generator bug: the test fails.
pub fn sample<T: DeserializeOwned>(operation: &str, json: &str) -> T {
    serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("{operation}: sample {json} does not decode: {e}"))
}

/// A Prism process serving one spec; killed on drop.
struct Prism {
    child: Child,
    base_url: String,
}

impl Prism {
    fn start(binary: &Path, spec: &Path, log: &Path) -> Prism {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log_file = std::fs::File::create(log).unwrap();
        let child = Command::new(binary)
            .args(["mock", "-d", "-h", "127.0.0.1", "-p"])
            .arg(port.to_string())
            .arg(spec)
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .stdin(Stdio::null())
            .spawn()
            .expect("prism starts");
        let mut prism = Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        loop {
            let mut text = String::new();
            std::fs::File::open(log)
                .and_then(|mut f| f.read_to_string(&mut text))
                .unwrap();
            if text.contains("Prism is listening on") {
                return prism;
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!("Prism exited ({status}) on {}:\n{text}", spec.display());
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "Prism did not listen within 120 s; log: {}",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An accepted failure: `version`, `operation`, `check` (`dynamic`,
/// `error 404`…), with why it is not the client's fault.
#[derive(Debug, Clone)]
struct Allowed {
    reason: String,
}

fn allow_list() -> BTreeMap<(String, String, String), Allowed> {
    let path = tests::workspace_root().join("tests/conformance-allow.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let doc: toml_edit::DocumentMut = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut allowed = BTreeMap::new();
    if let Some(entries) = doc.get("allow").and_then(|a| a.as_array_of_tables()) {
        for (i, entry) in entries.iter().enumerate() {
            let field = |name: &str| {
                entry
                    .get(name)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| {
                        panic!("{}: [[allow]] #{} has no `{name}`", path.display(), i + 1)
                    })
            };
            let key = (field("version"), field("operation"), field("check"));
            field("evidence");
            allowed.insert(
                key,
                Allowed {
                    reason: field("reason"),
                },
            );
        }
    }
    allowed
}

#[derive(Default)]
struct Tally {
    operations: usize,
    calls: usize,
    violations: usize,
    decode_failures: usize,
    errors_checked: usize,
    /// Responses Prism itself reports as breaking the spec (yet decoded).
    off_spec_responses: usize,
    /// Failures found in the allow-list, with its reason.
    allowed: Vec<String>,
    failures: Vec<String>,
}

/// What Prism said about the last exchanges, from its `sl-violations`
/// header: `(location, message)` pairs, `location` being `request…` or
/// `response…`.
type Violations = Arc<Mutex<Vec<(String, String)>>>;

fn client(base_url: &str, prefer: Option<String>, violations: &Violations) -> clerk_api::Config {
    clerk_api::install_tls_provider();
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(prefer) = prefer {
        headers.insert("prefer", prefer.parse().unwrap());
    }
    // Prism runs on Node, which closes a keep-alive connection idle for
    // 5 s; a pooled connection reused at that moment fails the request
    // ("connection closed before message completed"), and retries are off
    // here. Dropping idle connections sooner avoids the race.
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .pool_idle_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    clerk_api::Config::builder()
        .secret_key("sk_test_conformance")
        .base_url(base_url)
        .http_client(http)
        .retry_policy(RetryPolicy::none())
        .observe({
            let violations = violations.clone();
            move |exchange| {
                let Some((_, headers)) = exchange.response else {
                    return;
                };
                let Some(header) = headers.get("sl-violations") else {
                    return;
                };
                let list: Vec<serde_json::Value> =
                    serde_json::from_slice(header.as_bytes()).unwrap_or_default();
                let mut violations = violations.lock().unwrap();
                for v in list {
                    let location = v["location"]
                        .as_array()
                        .map(|parts| {
                            parts
                                .iter()
                                .filter_map(|p| p.as_str())
                                .collect::<Vec<_>>()
                                .join(".")
                        })
                        .unwrap_or_default();
                    violations.push((location, v["message"].as_str().unwrap_or("").to_string()));
                }
            }
        })
        .build()
        .unwrap()
}

/// Calls an operation; returns its outcome and Prism's violations, those
/// of the request and those of Prism's own response.
async fn call_once(
    plan: &plans::Plan,
    client: &clerk_api::Config,
    id: &str,
    violations: &Violations,
) -> (Outcome, Vec<(String, String)>, Vec<(String, String)>) {
    violations.lock().unwrap().clear();
    let outcome = (plan.call)(client, id).await;
    let found = std::mem::take(&mut *violations.lock().unwrap());
    let (request, response) = found
        .into_iter()
        .partition(|(location, _)| location.starts_with("request"));
    (outcome, request, response)
}

async fn run(
    prism: &Path,
    plan: &plans::Plan,
    allowed: &BTreeMap<(String, String, String), Allowed>,
    used: &mut Vec<(String, String, String)>,
) -> Tally {
    let workspace = tests::workspace_root();
    let spec = tests::ensure_specs(&[plan.version]).join(format!("{}.yml", plan.version));
    // 100 % of operations: the plan has one entry per operation of the
    // spec, counted here from the spec itself, and ids are unique.
    let parsed = codegen::load::load("spec", &std::fs::read_to_string(&spec).unwrap()).unwrap();
    let in_spec: Vec<&str> = parsed
        .paths
        .paths
        .values()
        .filter_map(|item| item.as_item())
        .flat_map(|item| item.iter().filter_map(|(_, op)| op.operation_id.as_deref()))
        .collect();
    let mut planned: Vec<&str> = plan.operations.iter().map(|c| c.id).collect();
    planned.sort_unstable();
    planned.dedup();
    assert_eq!(
        planned.len(),
        plan.operations.len(),
        "{}: duplicate ids",
        plan.version
    );
    assert_eq!(
        planned.len(),
        in_spec.len(),
        "{}: the plan does not call every operation of the spec",
        plan.version
    );
    assert!(in_spec.iter().all(|id| planned.binary_search(id).is_ok()));
    let logs = workspace.join("target/prism");
    std::fs::create_dir_all(&logs).unwrap();
    let prism = Prism::start(prism, &spec, &logs.join(format!("{}.log", plan.version)));
    let violations: Violations = Arc::default();
    let dynamic = client(&prism.base_url, None, &violations);
    let mut tally = Tally {
        operations: plan.operations.len(),
        ..Tally::default()
    };
    let record = |tally: &mut Tally,
                  used: &mut Vec<_>,
                  call: &Call,
                  check: String,
                  problem: Option<String>| {
        let Some(problem) = problem else { return };
        let key = (plan.version.to_string(), call.id.to_string(), check.clone());
        if let Some(allowed) = allowed.get(&key) {
            tally.allowed.push(format!(
                "{} {} {check}: {}",
                plan.version, call.id, allowed.reason
            ));
            used.push(key);
        } else {
            tally.failures.push(format!(
                "{} {} {} ({}): {check}: {problem}",
                plan.version, call.method, call.path, call.id
            ));
        }
    };
    let describe = |list: &[(String, String)]| {
        list.iter()
            .map(|(location, message)| format!("{location}: {message}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    for call in plan.operations {
        for _ in 0..DYNAMIC_CALLS {
            tally.calls += 1;
            let (outcome, request, response) =
                call_once(plan, &dynamic, call.id, &violations).await;
            if !response.is_empty() {
                tally.off_spec_responses += 1;
            }
            let problem = if !request.is_empty() {
                tally.violations += 1;
                Some(format!("request violation: {}", describe(&request)))
            } else {
                match outcome {
                    Outcome::Ok => None,
                    Outcome::Decode {
                        path,
                        message,
                        excerpt,
                    } => {
                        tally.decode_failures += 1;
                        Some(format!(
                            "decode failure at `{path}`: {message}; Prism's own response violations: [{}]; body: {excerpt}",
                            describe(&response)
                        ))
                    }
                    other => Some(format!("{other:?}")),
                }
            };
            let failed = problem.is_some();
            record(&mut tally, used, call, "dynamic".into(), problem);
            if failed {
                break; // once is enough to report
            }
        }
        for &(status, has_body) in call.errors {
            tally.calls += 1;
            tally.errors_checked += 1;
            let forced = client(&prism.base_url, Some(format!("code={status}")), &violations);
            let (outcome, request, _) = call_once(plan, &forced, call.id, &violations).await;
            let problem = if !request.is_empty() {
                tally.violations += 1;
                Some(format!("request violation: {}", describe(&request)))
            } else {
                match outcome {
                    Outcome::Api {
                        status: got,
                        decoded,
                        ..
                    } if got == status && decoded == has_body => None,
                    other if has_body => {
                        Some(format!("expected a decoded {status} error, got {other:?}"))
                    }
                    other => Some(format!(
                        "expected a {status} error without a body, got {other:?}"
                    )),
                }
            };
            record(&mut tally, used, call, format!("error {status}"), problem);
        }
    }
    drop(prism);
    tally
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_of_every_version_conforms() {
    assert!(
        !plans::PLANS.is_empty(),
        "no version enabled: run with `--all-features` (or `--features v2025-11-10`)"
    );
    let allowed = Arc::new(allow_list());
    let prism: Arc<Path> = tests::prism().into();
    let mut used = Vec::new();
    // Every version at once, each with its own Prism: Prism is
    // single-threaded, so this uses both cores.
    let runs: Vec<_> = plans::PLANS
        .iter()
        .map(|plan| {
            let (allowed, prism) = (allowed.clone(), prism.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let mut used = Vec::new();
                let tally = run(&prism, plan, &allowed, &mut used).await;
                (tally, used, started.elapsed())
            })
        })
        .collect();
    let mut summary = String::from(
        "| version | operations | calls | request violations | decode failures | error statuses checked | off-spec Prism responses | allowed | failures |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    let mut failures = Vec::new();
    for (plan, run) in plans::PLANS.iter().zip(runs) {
        let (tally, used_here, elapsed) = run.await.expect("the run of a version panicked");
        used.extend(used_here);
        let _ = writeln!(
            summary,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            plan.version,
            tally.operations,
            tally.calls,
            tally.violations,
            tally.decode_failures,
            tally.errors_checked,
            tally.off_spec_responses,
            tally.allowed.len(),
            tally.failures.len()
        );
        eprintln!(
            "{}: {} calls in {:.1} s",
            plan.version,
            tally.calls,
            elapsed.as_secs_f64()
        );
        for entry in &tally.allowed {
            let _ = writeln!(summary, "\nallowed: {entry}");
        }
        failures.extend(tally.failures);
    }
    // An entry that no longer matches a failure is stale: the spec or
    // Prism was fixed, and the entry would hide a regression.
    let enabled: Vec<&str> = plans::PLANS.iter().map(|p| p.version).collect();
    for key in allowed.keys() {
        if enabled.contains(&key.0.as_str()) && !used.contains(key) {
            failures.push(format!(
                "stale allow-list entry {} {} {}: it passes now",
                key.0, key.1, key.2
            ));
        }
    }
    println!("{summary}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}\n\n{summary}",
        failures.len(),
        failures.join("\n")
    );
}
