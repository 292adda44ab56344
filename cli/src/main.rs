//! `clerk`: browse, inspect and call Clerk's Backend API from a shell,
//! built on `clerk-api` and the operation catalogs `codegen` generates.

mod call;
mod catalog;
#[rustfmt::skip]
mod models;
mod output;
mod search;
mod webhooks;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use catalog::Catalog;

/// Exit codes, documented in `--help`.
pub mod exit {
    pub const OK: u8 = 0;
    /// Clerk answered with an error status.
    pub const API_ERROR: u8 = 1;
    /// The command line is wrong: unknown operation or parameter, a value
    /// of the wrong type, a required parameter missing.
    pub const USAGE: u8 = 2;
    /// Refused before sending: read-only mode, or an irreversible
    /// operation not confirmed.
    pub const REFUSED: u8 = 3;
    /// No key, or no answer (connection, timeout).
    pub const ENVIRONMENT: u8 = 4;
}

const EXAMPLES: &str = "\
Examples:
  browse    clerk tags
            clerk endpoints Users
  search    clerk search \"revoke a session\"
  show      clerk show users.list          (or: clerk show GET /users)
  execute   clerk users list --limit 10 --order-by -created_at
            clerk users get user_123
            clerk organizations create --name \"Acme Corp\" --created-by user_123
            clerk users list --all --output json
            clerk request GET /users --query limit=5
  webhooks  clerk webhooks events
            clerk webhooks show user.created
            clerk webhooks verify --headers headers.txt --body body.json
  key       clerk whoami";

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  Clerk answered with an error (the error list and trace id are printed)
  2  usage: unknown operation or parameter, wrong type, required parameter missing
  3  refused before sending: --read-only, or an irreversible operation not confirmed
  4  environment: no CLERK_SECRET_KEY, or no answer from the server

Environment:
  CLERK_SECRET_KEY      the Backend API key (never printed)
  CLERK_API_URL         another base URL, e.g. a mock server (same as --base-url)
  CLERK_CLI_READ_ONLY   1: refuse every operation that is not a GET (same as --read-only)";

#[derive(Parser, Clone)]
#[command(
    name = "clerk",
    version,
    about = "Browse, inspect and call Clerk's Backend API",
    after_help = format!("{EXAMPLES}\n\n{EXIT_CODES}")
)]
pub struct Cli {
    /// The API version to use [default: the newest compiled in]
    #[arg(long, global = true, value_name = "VERSION")]
    pub api_version: Option<String>,
    #[arg(
        long,
        global = true,
        env = "CLERK_API_URL",
        value_name = "URL",
        help = "The API's base URL [default: https://api.clerk.com/v1]"
    )]
    pub base_url: Option<String>,
    /// Output: `pretty` JSON (coloured on a terminal) or compact `json`.
    #[arg(long, global = true, value_enum, default_value = "pretty")]
    pub output: output::Format,
    /// Refuse every operation that is not a GET, before sending anything.
    #[arg(long, global = true, env = "CLERK_CLI_READ_ONLY", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub read_only: bool,
    /// Allow one non-GET command despite --read-only.
    #[arg(long, global = true)]
    pub admin: bool,
    /// Confirm irreversible operations without asking.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Clone)]
pub enum WebhooksCommand {
    /// Every event type, with its summary.
    Events,
    /// The payload schema of one event type (`user.created`).
    Show { event: String },
    /// Verifies a captured delivery with the endpoint's signing secret:
    /// its signature, then its timestamp.
    Verify {
        /// The request's headers, `Name: value` per line (svix-id,
        /// svix-timestamp, svix-signature).
        #[arg(long, value_name = "FILE")]
        headers: std::path::PathBuf,
        /// The request's body, byte for byte.
        #[arg(long, value_name = "FILE")]
        body: std::path::PathBuf,
        /// The environment variable that holds the secret.
        #[arg(
            long,
            value_name = "VAR",
            default_value = "CLERK_WEBHOOK_SIGNING_SECRET"
        )]
        secret_env: String,
        /// Check the signature only: a capture is older than the 5 minutes
        /// a live endpoint allows.
        #[arg(long)]
        any_time: bool,
    },
    /// An operation of the Backend API's `webhooks` group.
    #[command(external_subcommand)]
    Operation(Vec<String>),
}

#[derive(Subcommand, Clone)]
pub enum Command {
    /// Every tag with its number of operations.
    Tags,
    /// The operations of a tag: method, path, group.name, summary.
    Endpoints { tag: String },
    /// Operations ranked by the words of a query.
    Search {
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
    },
    /// An operation's parameters, body schema and responses (nothing is sent).
    Show {
        /// `users.list` or `GET /users`
        #[arg(required = true, num_args = 1..=2)]
        operation: Vec<String>,
    },
    /// Any request: METHOD PATH, query pairs and a JSON body.
    Request {
        method: String,
        path: String,
        #[arg(long = "query", value_name = "K=V")]
        query: Vec<String>,
        #[arg(long, value_name = "JSON")]
        data: Option<String>,
    },
    /// Checks the key in CLERK_SECRET_KEY and shows its environment prefix.
    Whoami,
    /// The events Clerk sends to webhook endpoints, and offline
    /// verification of a captured delivery. (`clerk webhooks OP` still calls
    /// the Backend API's own webhooks operations.)
    Webhooks {
        /// The webhooks version [default: the newest]
        #[arg(long, global = true, value_name = "VERSION")]
        webhooks_version: Option<String>,
        #[command(subcommand)]
        command: WebhooksCommand,
    },
    /// GROUP NAME [PATH ARGS…] [--PARAM VALUE…] [--data JSON] [--all]
    #[command(external_subcommand)]
    Call(Vec<String>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = &cli.command else {
        outln!("clerk: Clerk's Backend API from a shell.\n\n{EXAMPLES}\n\nMore: clerk --help");
        return ExitCode::SUCCESS;
    };
    let catalog = match Catalog::get(cli.api_version.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(exit::USAGE, &e),
    };
    let code = match command {
        Command::Tags => {
            for (tag, count) in catalog.tags() {
                outln!("{count:>4}  {tag}");
            }
            exit::OK
        }
        Command::Endpoints { tag } => {
            let ops: Vec<_> = catalog
                .operations
                .iter()
                .filter(|o| o.tag.eq_ignore_ascii_case(tag))
                .collect();
            if ops.is_empty() {
                return fail(exit::USAGE, &format!("no tag {tag:?}: see `clerk tags`"));
            }
            for o in ops {
                outln!(
                    "{:<7} {:<55} {:<40} {}",
                    o.method,
                    o.path,
                    format!("{}.{}", o.group, o.name),
                    o.summary
                );
            }
            exit::OK
        }
        Command::Search { query } => {
            let results = search::search(catalog, &query.join(" "));
            if results.is_empty() {
                return fail(
                    exit::USAGE,
                    "no operation matches: try other words, or `clerk tags`",
                );
            }
            for (_, o) in results.iter().take(10) {
                outln!(
                    "{:<40} {:<7} {:<50} {}",
                    format!("{}.{}", o.group, o.name),
                    o.method,
                    o.path,
                    o.summary
                );
            }
            exit::OK
        }
        Command::Show { operation } => match catalog.find(operation) {
            Some(op) => {
                outln!("{}", output::show(catalog, op).trim_end());
                exit::OK
            }
            None => {
                return fail(
                    exit::USAGE,
                    &format!("no operation {:?}: see `clerk search`", operation.join(" ")),
                );
            }
        },
        Command::Whoami => match std::env::var("CLERK_SECRET_KEY") {
            Ok(key) if key.starts_with("sk_live_") => {
                outln!("a live key (sk_live_…): production data");
                exit::OK
            }
            Ok(key) if key.starts_with("sk_test_") => {
                outln!("a test key (sk_test_…): a development instance");
                exit::OK
            }
            Ok(key) if key.starts_with("sk_") => {
                outln!("a secret key (sk_…)");
                exit::OK
            }
            Ok(_) => {
                return fail(
                    exit::ENVIRONMENT,
                    "CLERK_SECRET_KEY is not a secret key (expected sk_test_… or sk_live_…)",
                );
            }
            Err(_) => return fail(exit::ENVIRONMENT, "CLERK_SECRET_KEY is not set"),
        },
        Command::Request {
            method,
            path,
            query,
            data,
        } => call::raw(&cli, catalog, method, path, query, data.as_deref()),
        Command::Webhooks {
            webhooks_version,
            command,
        } => {
            if let WebhooksCommand::Operation(words) = command {
                let mut words = words.clone();
                words.insert(0, "webhooks".into());
                return call_operation(&cli, &words);
            }
            let api = match webhooks::model(webhooks_version.as_deref()) {
                Ok(api) => api,
                Err(e) => return fail(exit::USAGE, &e),
            };
            match command {
                WebhooksCommand::Events => webhooks::events(&api),
                WebhooksCommand::Show { event } => webhooks::show(&api, event),
                WebhooksCommand::Verify {
                    headers,
                    body,
                    secret_env,
                    any_time,
                } => webhooks::verify(&api, headers, body, secret_env, *any_time),
                WebhooksCommand::Operation(_) => exit::USAGE,
            }
        }
        Command::Call(words) => return call_operation(&cli, words),
    };
    ExitCode::from(code)
}

/// `clerk GROUP NAME …`: an operation of the catalog.
fn call_operation(cli: &Cli, words: &[String]) -> ExitCode {
    // Global options after `GROUP NAME` reach us inside `words`.
    let (cli, words) = match take_globals(cli, words) {
        Ok(found) => found,
        Err(e) => return fail(exit::USAGE, &e),
    };
    let catalog = match Catalog::get(cli.api_version.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(exit::USAGE, &e),
    };
    ExitCode::from(call::operation(&cli, catalog, &words))
}

/// Moves the global options out of an operation's arguments.
fn take_globals(cli: &Cli, words: &[String]) -> Result<(Cli, Vec<String>), String> {
    let mut cli = cli.clone();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word, None),
        };
        let mut value = || -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            words
                .get(i)
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag {
            "--yes" | "-y" => cli.yes = true,
            "--admin" => cli.admin = true,
            "--read-only" => cli.read_only = true,
            "--api-version" => cli.api_version = Some(value()?),
            "--base-url" => cli.base_url = Some(value()?),
            "--output" => {
                cli.output = match value()?.as_str() {
                    "json" => output::Format::Json,
                    "pretty" => output::Format::Pretty,
                    other => return Err(format!("--output {other:?}: expected pretty or json")),
                }
            }
            _ => rest.push(words[i].clone()),
        }
        i += 1;
    }
    Ok((cli, rest))
}

/// Prints `message` as an error and returns `code`.
pub fn fail(code: u8, message: &str) -> ExitCode {
    ExitCode::from(error(code, message))
}

/// Prints `message` as an error and returns `code`, as a number.
pub fn error(code: u8, message: &str) -> u8 {
    eprintln!("error: {message}");
    code
}

/// Prints to stdout; a closed pipe (`clerk tags | head`) ends the program
/// quietly instead of panicking.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

/// Whether stdin and stderr are a terminal (someone can answer a question).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}
