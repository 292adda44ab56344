//! Compares YAML deserialisers on Clerk's Backend API OpenAPI 3.0 specs.
//!
//! Run: `cargo run --release -- [--runs N] [PATH ...]` from this folder.
//! Each PATH is a spec file or a folder searched recursively for `*.yml` /
//! `*.yaml` (entries whose name starts with `.` are skipped). Files with
//! identical content are measured once. The spec files are only read, never
//! copied; the PyYAML reference JSON goes to a folder under the system temp dir.
//!
//! Prints markdown tables: correctness, speed, dependency counts, error quality.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use openapiv3::OpenAPI;
use serde::de::DeserializeOwned;
use serde_json::Value;

// ---------------------------------------------------------------------------
// The parsers under test
// ---------------------------------------------------------------------------

/// A parse error as the bench sees it: the Display text and, when the crate's
/// error type exposes one through its API, the (1-based) line and column.
struct ParseError {
    message: String,
    location: Option<(u64, u64)>,
}

type ParseFn<T> = fn(&str) -> Result<T, ParseError>;

struct Parser {
    /// Crate name as on crates.io.
    name: &'static str,
    openapi: ParseFn<OpenAPI>,
    value: ParseFn<Value>,
}

fn serde_yaml_parse<T: DeserializeOwned>(s: &str) -> Result<T, ParseError> {
    serde_yaml::from_str(s).map_err(|e| ParseError {
        location: e.location().map(|l| (l.line() as u64, l.column() as u64)),
        message: e.to_string(),
    })
}

fn serde_yaml_ng_parse<T: DeserializeOwned>(s: &str) -> Result<T, ParseError> {
    serde_yaml_ng::from_str(s).map_err(|e| ParseError {
        location: e.location().map(|l| (l.line() as u64, l.column() as u64)),
        message: e.to_string(),
    })
}

fn serde_norway_parse<T: DeserializeOwned>(s: &str) -> Result<T, ParseError> {
    serde_norway::from_str(s).map_err(|e| ParseError {
        location: e.location().map(|l| (l.line() as u64, l.column() as u64)),
        message: e.to_string(),
    })
}

fn serde_saphyr_parse<T: DeserializeOwned>(s: &str) -> Result<T, ParseError> {
    // Default options (default budget), as a caller would use the crate.
    serde_saphyr::from_str(s).map_err(|e| ParseError {
        location: e.location().map(|l| (l.line(), l.column())),
        message: e.to_string(),
    })
}

fn serde_json_parse<T: DeserializeOwned>(s: &str) -> Result<T, ParseError> {
    serde_json::from_str(s).map_err(|e| ParseError {
        location: Some((e.line() as u64, e.column() as u64)),
        message: e.to_string(),
    })
}

const PARSERS: &[Parser] = &[
    Parser {
        name: "serde_yaml",
        openapi: serde_yaml_parse::<OpenAPI>,
        value: serde_yaml_parse::<Value>,
    },
    Parser {
        name: "serde_yaml_ng",
        openapi: serde_yaml_ng_parse::<OpenAPI>,
        value: serde_yaml_ng_parse::<Value>,
    },
    Parser {
        name: "serde_norway",
        openapi: serde_norway_parse::<OpenAPI>,
        value: serde_norway_parse::<Value>,
    },
    Parser {
        name: "serde-saphyr",
        openapi: serde_saphyr_parse::<OpenAPI>,
        value: serde_saphyr_parse::<Value>,
    },
];

/// Version of a package as resolved in this crate's own Cargo.lock.
fn locked_version(name: &str) -> String {
    const LOCK: &str = include_str!("../Cargo.lock");
    let mut lines = LOCK.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{name}\"") {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = ")) {
                return v.trim_matches('"').to_string();
            }
        }
    }
    "?".to_string()
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

struct Input {
    label: String,
    path: PathBuf,
    /// Other paths with byte-identical content (measured once).
    duplicates: Vec<PathBuf>,
    text: String,
    /// JSON written by PyYAML from `text`, if the reference conversion worked.
    reference_json: Option<String>,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                eprintln!("warning: cannot read {}: {e}", path.display());
                return;
            }
        };
        entries.sort();
        for entry in entries {
            let hidden = entry
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                collect(&entry, out);
            }
        }
    } else if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == "yml" || e == "yaml")
    {
        out.push(path.to_path_buf());
    } else if !path.exists() {
        eprintln!("warning: {} does not exist", path.display());
    }
}

fn load_inputs(roots: &[PathBuf]) -> Vec<Input> {
    let mut paths = Vec::new();
    for root in roots {
        collect(root, &mut paths);
    }
    let mut inputs: Vec<Input> = Vec::new();
    for path in paths {
        let path = path.canonicalize().unwrap_or(path);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("warning: cannot read {}: {e}", path.display());
                continue;
            }
        };
        if let Some(same) = inputs.iter_mut().find(|i| i.text == text) {
            if same.path != path && !same.duplicates.contains(&path) {
                same.duplicates.push(path);
            }
            continue;
        }
        let label = path.file_name().unwrap().to_string_lossy().into_owned();
        inputs.push(Input { label, path, duplicates: Vec::new(), text, reference_json: None });
    }
    // Distinct files sharing a name get the first 7 characters of their
    // grandparent folder (e.g. the upstream commit of a mirror) appended.
    let names: Vec<String> = inputs.iter().map(|i| i.label.clone()).collect();
    for input in &mut inputs {
        if names.iter().filter(|n| **n == input.label).count() > 1 {
            let tag = input
                .path
                .parent()
                .and_then(Path::parent)
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().chars().take(7).collect::<String>())
                .unwrap_or_default();
            input.label = format!("{} ({tag})", input.label);
        }
    }
    inputs
}

// ---------------------------------------------------------------------------
// Independent reference: PyYAML -> JSON, converted once per run
// ---------------------------------------------------------------------------

const PY_CONVERT: &str = r#"
import sys, json
import yaml
Base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
class Loader(Base):
    pass
# PyYAML implements YAML 1.1. Its implicit timestamp type has no JSON form, so
# such scalars stay strings (as in the YAML 1.2 core schema the Rust crates
# follow). Every other YAML 1.1 rule (yes/no booleans, 0777 octal, ...) is kept.
Loader.yaml_implicit_resolvers = {
    k: [(t, r) for (t, r) in v if t != "tag:yaml.org,2002:timestamp"]
    for k, v in Base.yaml_implicit_resolvers.items()
}
out = sys.argv[1]
for i, path in enumerate(sys.argv[2:]):
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=Loader)
    with open(f"{out}/{i}.json", "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, allow_nan=False)
print(f"PyYAML {yaml.__version__} ({Base.__name__}, timestamps kept as strings)")
"#;

/// Converts every input with one python3 process. Returns a description of
/// the reference, or why there is none.
fn python_reference(inputs: &mut [Input]) -> Result<String, String> {
    let dir = std::env::temp_dir().join("yaml-parsers-bench-reference");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let output = Command::new("python3")
        .arg("-c")
        .arg(PY_CONVERT)
        .arg(&dir)
        .args(inputs.iter().map(|i| &i.path))
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "python3 failed (is PyYAML installed? `pip install pyyaml`): {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    for (i, input) in inputs.iter_mut().enumerate() {
        let file = dir.join(format!("{i}.json"));
        input.reference_json = Some(
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?,
        );
    }
    Ok(format!(
        "{} -> JSON in {}",
        String::from_utf8_lossy(&output.stdout).trim(),
        dir.display()
    ))
}

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Diffs {
    count: usize,
    /// JSON pointer, left value, right value of the first difference.
    first: Option<(String, String, String)>,
}

fn escape_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn short(v: Option<&Value>) -> String {
    let s = match v {
        None => "<missing>".to_string(),
        Some(v) => v.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn diff_into(a: Option<&Value>, b: Option<&Value>, ptr: &mut String, out: &mut Diffs) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&escape_token(k));
                diff_into(x.get(k), y.get(k), ptr, out);
                ptr.truncate(len);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                let len = ptr.len();
                let _ = write!(ptr, "/{i}");
                diff_into(x.get(i), y.get(i), ptr, out);
                ptr.truncate(len);
            }
        }
        (a, b) if a == b => {}
        (a, b) => {
            out.count += 1;
            if out.first.is_none() {
                let p = if ptr.is_empty() { "(root)".to_string() } else { ptr.clone() };
                out.first = Some((p, short(a), short(b)));
            }
        }
    }
}

fn diff(a: &Value, b: &Value) -> Diffs {
    let mut out = Diffs::default();
    diff_into(Some(a), Some(b), &mut String::new(), &mut out);
    out
}

fn describe(d: &Diffs, left: &str, right: &str) -> String {
    match &d.first {
        None => "equal".to_string(),
        Some((p, a, b)) => format!(
            "{} diff(s), first at `{}`: {left} `{}` vs {right} `{}`",
            d.count,
            p,
            a.replace('|', "\\|").replace('`', "'"),
            b.replace('|', "\\|").replace('`', "'")
        ),
    }
}

// ---------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2 }
}

fn time_once(f: ParseFn<OpenAPI>, text: &str) -> Option<Duration> {
    let start = Instant::now();
    let result = f(black_box(text));
    let elapsed = start.elapsed();
    // The parsed document is dropped outside the timed region.
    black_box(&result);
    result.ok().map(|_| elapsed)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

// ---------------------------------------------------------------------------
// Error quality
// ---------------------------------------------------------------------------

struct BrokenCase {
    name: String,
    text: String,
    /// 1-based line that was broken.
    line: usize,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `    key: value` with a plain (unquoted, non-collection) scalar value.
fn is_plain_key_value(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    let Some((key, value)) = t.split_once(": ") else { return false };
    !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !value.is_empty()
        && !value.starts_with(['"', '\'', '|', '>', '[', '{', '&', '*', '!', '#'])
}

fn broken_cases(base: &Input) -> Vec<BrokenCase> {
    let lines: Vec<&str> = base.text.split('\n').collect();
    let join = |lines: &[String]| lines.join("\n");
    let owned = || lines.iter().map(|l| l.to_string()).collect::<Vec<String>>();
    let mut cases = Vec::new();

    // 1. Bad indentation in the middle of the document: a `key: value` line
    //    indented two spaces deeper than its sibling on the line above.
    if let Some(i) = (lines.len() / 2..lines.len()).find(|&i| {
        is_plain_key_value(lines[i - 1])
            && is_plain_key_value(lines[i])
            && indent_of(lines[i - 1]) == indent_of(lines[i])
            && indent_of(lines[i]) >= 4
    }) {
        let mut l = owned();
        l[i] = format!("  {}", l[i]);
        cases.push(BrokenCase {
            name: format!("bad indentation (line {}: `{}`)", i + 1, l[i].trim_end()),
            text: join(&l),
            line: i + 1,
        });
    }

    // 2. Type error at the top: `openapi: [1,2]` instead of a version string.
    if let Some(i) = lines.iter().position(|l| l.starts_with("openapi:")) {
        let mut l = owned();
        l[i] = "openapi: [1,2]".to_string();
        cases.push(BrokenCase {
            name: format!("type error at top (line {}: `openapi: [1,2]`)", i + 1),
            text: join(&l),
            line: i + 1,
        });
    }

    // 3. Type error deep inside `paths` (under openapiv3's untagged
    //    `ReferenceOr<PathItem>`): an `operationId` that is a sequence.
    if let Some(i) = (lines.len() / 2..lines.len())
        .find(|&i| lines[i].trim_start().starts_with("operationId: "))
    {
        let mut l = owned();
        l[i] = format!("{}operationId: [1,2]", " ".repeat(indent_of(lines[i])));
        cases.push(BrokenCase {
            name: format!("nested type error (line {}: `{}`)", i + 1, l[i].trim()),
            text: join(&l),
            line: i + 1,
        });
    }
    cases
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    let line = if line.chars().count() > 160 {
        format!("{}…", line.chars().take(160).collect::<String>())
    } else {
        line.to_string()
    };
    line.replace('|', "\\|").replace('`', "'")
}

/// Does the Display text carry a position? Looks for "line N" or "N:M".
fn message_has_position(s: &str) -> bool {
    let lower = s.to_lowercase();
    let bytes = lower.as_bytes();
    let has_line_word = lower.match_indices("line").any(|(i, _)| {
        lower[i + 4..].trim_start_matches([' ', ':']).starts_with(|c: char| c.is_ascii_digit())
    });
    let has_colon_pair = (1..bytes.len().saturating_sub(1)).any(|i| {
        bytes[i] == b':' && bytes[i - 1].is_ascii_digit() && bytes[i + 1].is_ascii_digit()
    });
    has_line_word || has_colon_pair
}

// ---------------------------------------------------------------------------
// Dependency counts
// ---------------------------------------------------------------------------

/// Unique packages in `cargo tree -p <krate> --prefix none` (the crate itself
/// included; normal and build dependencies, i.e. what gets compiled).
fn dependency_count(krate: &str) -> Result<(usize, usize, Vec<String>), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let out = Command::new(cargo)
        .args(["tree", "--offline", "--prefix", "none", "-p", krate, "--manifest-path"])
        .arg(&manifest)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // `sort -u | wc -l` as in the brief: lines differing only by the " (*)"
    // marker of an already-printed subtree are counted twice there.
    let raw: BTreeSet<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let unique: BTreeSet<String> = raw
        .iter()
        .map(|l| l.trim_end_matches(" (*)").trim_end_matches(" (proc-macro)").to_string())
        .collect();
    let names: Vec<String> = unique
        .iter()
        .filter_map(|l| l.split(' ').next().map(str::to_string))
        .filter(|n| n != krate)
        .collect();
    Ok((raw.len(), unique.len(), names))
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------

fn main() {
    let mut runs = 15usize;
    let mut dump: Option<PathBuf> = None;
    let mut roots: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .expect("--runs needs a positive number");
            }
            "--dump" => dump = Some(PathBuf::from(args.next().expect("--dump needs a folder"))),
            "-h" | "--help" => {
                println!("usage: cargo run --release -- [--runs N] [--dump DIR] [SPEC_FILE_OR_DIR ...]");
                println!("--dump DIR: also write each parser's serde_json::Value of each file to DIR");
                println!("default dirs: ../../specs/bapi ../../../shared/clerk-openapi-specs");
                return;
            }
            _ => roots.push(PathBuf::from(arg)),
        }
    }
    if roots.is_empty() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        roots.push(here.join("../../specs/bapi"));
        roots.push(here.join("../../../shared/clerk-openapi-specs"));
    }
    if cfg!(debug_assertions) {
        eprintln!("warning: debug build; timings are meaningless (use --release)");
    }

    let mut inputs = load_inputs(&roots);
    if inputs.is_empty() {
        eprintln!("no *.yml / *.yaml files under {roots:?}");
        std::process::exit(1);
    }

    println!("# YAML parser comparison on OpenAPI specs\n");
    println!("Inputs ({} distinct files):\n", inputs.len());
    for i in &inputs {
        print!("- `{}`: {} ({} bytes)", i.label, i.path.display(), i.text.len());
        if !i.duplicates.is_empty() {
            let d: Vec<String> = i.duplicates.iter().map(|p| p.display().to_string()).collect();
            print!("; identical: {}", d.join(", "));
        }
        println!();
    }
    println!();
    print!("Parsers:");
    for p in PARSERS {
        print!(" {} {};", p.name, locked_version(p.name));
    }
    println!(" openapiv3 {}, serde_json {}.", locked_version("openapiv3"), locked_version("serde_json"));

    let reference = python_reference(&mut inputs);
    match &reference {
        Ok(desc) => println!("Reference: {desc}.\n"),
        Err(e) => println!("Reference: none ({e}).\n"),
    }

    // ---- 1. Correctness ----------------------------------------------------
    println!("## 1. Correctness\n");
    println!(
        "`OpenAPI` = parse into `openapiv3::OpenAPI`, compared as `serde_json::to_value`; \
         `Value` = parse into `serde_json::Value`. `ref` = PyYAML's JSON parsed by serde_json.\n"
    );
    println!(
        "| file | parser | → OpenAPI | OpenAPI vs ref | OpenAPI vs other parsers | → Value | Value vs ref | Value vs other parsers |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut problems = 0usize;
    for input in &inputs {
        let ref_value: Option<Result<Value, String>> = input
            .reference_json
            .as_deref()
            .map(|j| serde_json::from_str::<Value>(j).map_err(|e| e.to_string()));
        let ref_openapi: Option<Result<Value, String>> = input.reference_json.as_deref().map(|j| {
            serde_json::from_str::<OpenAPI>(j)
                .map_err(|e| e.to_string())
                .and_then(|o| serde_json::to_value(&o).map_err(|e| e.to_string()))
        });
        let as_openapi: Vec<Result<Value, String>> = PARSERS
            .iter()
            .map(|p| {
                (p.openapi)(&input.text)
                    .map_err(|e| first_line(&e.message))
                    .and_then(|o| serde_json::to_value(&o).map_err(|e| e.to_string()))
            })
            .collect();
        let as_value: Vec<Result<Value, String>> = PARSERS
            .iter()
            .map(|p| (p.value)(&input.text).map_err(|e| first_line(&e.message)))
            .collect();

        if let Some(dir) = &dump {
            std::fs::create_dir_all(dir).expect("cannot create the --dump folder");
            for (p, v) in PARSERS.iter().zip(&as_value) {
                if let Ok(v) = v {
                    let file = dir.join(format!("{}.{}.json", input.label, p.name));
                    std::fs::write(&file, serde_json::to_string_pretty(v).unwrap())
                        .expect("cannot write to the --dump folder");
                }
            }
        }
        let vs_ref = |mine: &Result<Value, String>, r: &Option<Result<Value, String>>| -> String {
            match (mine, r) {
                (Err(_), _) => "–".to_string(),
                (_, None) => "no ref".to_string(),
                (_, Some(Err(e))) => format!("ref failed: {}", first_line(e)),
                (Ok(a), Some(Ok(b))) => describe(&diff(a, b), "parser", "ref"),
            }
        };
        let vs_others = |i: usize, all: &[Result<Value, String>]| -> String {
            let Ok(mine) = &all[i] else { return "–".to_string() };
            let mut differs = Vec::new();
            for (j, other) in all.iter().enumerate() {
                if j == i {
                    continue;
                }
                match other {
                    Err(_) => differs.push(format!("{} failed", PARSERS[j].name)),
                    Ok(o) => {
                        let d = diff(mine, o);
                        if d.count > 0 {
                            differs.push(format!(
                                "vs {}: {}",
                                PARSERS[j].name,
                                describe(&d, PARSERS[i].name, PARSERS[j].name)
                            ));
                        }
                    }
                }
            }
            if differs.is_empty() { "equal to all".to_string() } else { differs.join("; ") }
        };

        for (i, p) in PARSERS.iter().enumerate() {
            let ok = |r: &Result<Value, String>| match r {
                Ok(_) => "ok".to_string(),
                Err(e) => format!("**error**: {e}"),
            };
            let cells = [
                ok(&as_openapi[i]),
                vs_ref(&as_openapi[i], &ref_openapi),
                vs_others(i, &as_openapi),
                ok(&as_value[i]),
                vs_ref(&as_value[i], &ref_value),
                vs_others(i, &as_value),
            ];
            if cells
                .iter()
                .enumerate()
                .any(|(k, c)| c != ["ok", "equal", "equal to all"][k % 3])
            {
                problems += 1;
            }
            println!("| {} | {} | {} |", input.label, p.name, cells.join(" | "));
        }
    }
    println!(
        "\n{}\n",
        if problems == 0 {
            "All parsers parse every file, agree with each other and with the PyYAML reference."
                .to_string()
        } else {
            format!("{problems} parser/file row(s) show an error or a difference (see table).")
        }
    );

    // ---- 2. Speed ------------------------------------------------------------
    println!("## 2. Speed: parse into `openapiv3::OpenAPI`\n");
    println!(
        "Median of {runs} runs (after 1 warm-up), in ms; runs interleaved across parsers; \
         (×N) = ratio to the fastest YAML parser on that file. serde_json parses the \
         PyYAML-produced JSON of the same file (a floor, not a YAML parser).\n"
    );
    print!("| file | KiB |");
    for p in PARSERS {
        print!(" {} |", p.name);
    }
    println!(" serde_json (floor) |");
    println!("|---|---:|{}---:|", "---:|".repeat(PARSERS.len()));
    let mut totals = vec![Duration::ZERO; PARSERS.len() + 1];
    let mut complete = vec![true; PARSERS.len() + 1];
    for input in &inputs {
        let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); PARSERS.len() + 1];
        let mut failed = vec![false; PARSERS.len() + 1];
        let json = input.reference_json.as_deref();
        let fns: Vec<(ParseFn<OpenAPI>, &str)> = PARSERS
            .iter()
            .map(|p| (p.openapi, input.text.as_str()))
            .chain(json.map(|j| (serde_json_parse::<OpenAPI> as ParseFn<OpenAPI>, j)))
            .collect();
        for (k, (f, text)) in fns.iter().enumerate() {
            failed[k] = time_once(*f, text).is_none(); // warm-up
        }
        for _ in 0..runs {
            for (k, (f, text)) in fns.iter().enumerate() {
                if !failed[k] {
                    if let Some(d) = time_once(*f, text) {
                        samples[k].push(d);
                    }
                }
            }
        }
        let medians: Vec<Option<Duration>> = (0..=PARSERS.len())
            .map(|k| {
                if k < fns.len() && !failed[k] && !samples[k].is_empty() {
                    Some(median(samples[k].clone()))
                } else {
                    None
                }
            })
            .collect();
        let fastest = medians[..PARSERS.len()].iter().flatten().min().copied();
        print!("| {} | {:.0} |", input.label, input.text.len() as f64 / 1024.0);
        for (k, m) in medians.iter().enumerate() {
            match (m, fastest) {
                (Some(m), Some(f)) => {
                    totals[k] += *m;
                    print!(" {:.2} (×{:.2}) |", ms(*m), m.as_secs_f64() / f.as_secs_f64());
                }
                _ => {
                    complete[k] = false;
                    print!(" failed |");
                }
            }
        }
        println!();
    }
    let fastest_total =
        totals[..PARSERS.len()].iter().zip(&complete).filter(|(_, c)| **c).map(|(t, _)| *t).min();
    print!("| **sum of medians** | {:.0} |", inputs.iter().map(|i| i.text.len()).sum::<usize>() as f64 / 1024.0);
    for (k, t) in totals.iter().enumerate() {
        match (complete[k], fastest_total) {
            (true, Some(f)) => {
                print!(" **{:.2}** (×{:.2}) |", ms(*t), t.as_secs_f64() / f.as_secs_f64())
            }
            _ => print!(" incomplete |"),
        }
    }
    println!("\n");

    // ---- 3. Build cost -----------------------------------------------------
    println!("## 3. Dependencies\n");
    println!(
        "`cargo tree -p <crate> --prefix none` in this crate: distinct packages including the \
         crate itself (`sort -u | wc -l` raw count in brackets: it counts `(*)` repeats twice).\n"
    );
    println!(
        "Features are as unified in this crate (openapiv3 turns on serde's `derive`). \
         *New* = packages that the crate adds to what `openapiv3` already pulls in \
         (itself included).\n"
    );
    println!("| crate | version | packages | new over openapiv3 | dependencies |");
    println!("|---|---|---:|---:|---|");
    let base: BTreeSet<String> = dependency_count("openapiv3")
        .map(|(_, _, names)| names.into_iter().chain(["openapiv3".to_string()]).collect())
        .unwrap_or_default();
    for name in PARSERS.iter().map(|p| p.name).chain(["openapiv3", "serde_json"]) {
        match dependency_count(name) {
            Ok((raw, unique, names)) => println!(
                "| {name} | {} | {unique} ({raw}) | {} | {} |",
                locked_version(name),
                names.iter().map(String::as_str).chain([name]).filter(|n| !base.contains(*n)).count(),
                names.join(", ")
            ),
            Err(e) => println!("| {name} | {} | n/a | n/a | cargo tree failed: {} |", locked_version(name), first_line(&e)),
        }
    }
    println!();

    // ---- 4. Error quality ----------------------------------------------------
    println!("## 4. Error messages\n");
    let base = inputs
        .iter()
        .find(|i| i.label.starts_with("2025-11-10"))
        .unwrap_or(&inputs[0]);
    println!("Broken copies (in memory) of `{}`.\n", base.label);
    println!("| case | parser | message (first line) | location() API | position in message | right line? |");
    println!("|---|---|---|---|---|---|");
    let cases = broken_cases(base);
    let mut details = String::new();
    for case in &cases {
        for p in PARSERS {
            match (p.openapi)(&case.text) {
                Ok(_) => println!("| {} | {} | **accepted** (no error) | – | – | – |", case.name, p.name),
                Err(e) => {
                    let loc = e
                        .location
                        .map(|(l, c)| format!("{l}:{c}"))
                        .unwrap_or_else(|| "none".to_string());
                    let right = match e.location {
                        Some((l, _)) if l as usize == case.line => "yes".to_string(),
                        Some((l, _)) => format!("no (reported {l}, broken {})", case.line),
                        None => "–".to_string(),
                    };
                    println!(
                        "| {} | {} | {} | {} | {} | {} |",
                        case.name,
                        p.name,
                        first_line(&e.message),
                        loc,
                        if message_has_position(&e.message) { "yes" } else { "no" },
                        right
                    );
                    let _ = writeln!(details, "### {} / {}\n\n```text\n{}\n```\n", case.name, p.name, e.message.trim_end());
                }
            }
        }
    }
    println!("\n### Full error messages\n");
    println!("{details}");
}
