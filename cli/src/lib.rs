//! `clerk`: browse, inspect and call Clerk's Backend API from a shell.
//! Its command tree, checks and guard rails are read from the model
//! `cargo xtask gen` writes for each version (embedded as JSON), and its
//! calls go through `clerk-api`'s runtime, as the typed clients' do.
//!
//! The binary is `src/main.rs`, which calls [`run`]; this library exists
//! so that [`check`] (the argument checking, without running anything) can
//! be fuzzed. It is not an API: use the binary.

mod call;
mod commands;
mod model;
#[rustfmt::skip]
mod models;
mod output;
mod search;
mod webhooks;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use clerk_api_model::Api;

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
            clerk users --help               (a group's operations)
            clerk users list --help          (an operation's parameters)
            clerk users get user_123
            clerk organizations create --name \"Acme Corp\" --created-by user_123
            clerk users list --all --output json
            clerk request GET /users --query limit=5
  webhooks  clerk webhooks events
            clerk webhooks show user.created
            clerk webhooks verify --headers headers.txt --body body.json
  key       clerk whoami
  shell     clerk completions bash > ~/.local/share/bash-completion/completions/clerk";

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
pub(crate) struct Cli {
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
pub(crate) enum WebhooksCommand {
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
}

#[derive(Subcommand, Clone)]
pub(crate) enum Command {
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
    /// Prints a completion script for a shell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The names of `webhooks`' own subcommands; the Backend API's `webhooks`
/// operations are added beside them.
const WEBHOOKS_OWN: &[&str] = &["events", "show", "verify"];

/// The whole command tree: the CLI's own commands, and one command per
/// group of the API version's model with its operations.
fn command_tree(api: &'static Api) -> clap::Command {
    let mut command = Cli::command();
    for (group, operations) in commands::groups(api) {
        let name = model::command_name(&group);
        if name == "webhooks" {
            command = command.mut_subcommand("webhooks", |w| w.subcommands(operations));
        } else if command.find_subcommand(&name).is_none() {
            command = command.subcommand(commands::group(&group, operations));
        }
    }
    command
}

/// The value of `--api-version` among the raw arguments, read before the
/// command tree (which depends on it) is built.
fn api_version(args: &[OsString]) -> Option<String> {
    let mut args = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if let Some(value) = arg.strip_prefix("--api-version=") {
            return Some(value.to_string());
        }
        if arg == "--api-version" {
            return args.next().map(|v| v.into_owned());
        }
    }
    None
}

/// The operation a command line names, with its own arguments: `clerk
/// GROUP OP …` (or `clerk webhooks OP …` for the API's webhooks group).
fn operation<'m>(
    api: &'static Api,
    matches: &'m clap::ArgMatches,
) -> Option<(&'static clerk_api_model::Operation, &'m clap::ArgMatches)> {
    let (group, sub) = matches.subcommand()?;
    let (name, args) = sub.subcommand()?;
    if group == "webhooks" && WEBHOOKS_OWN.contains(&name) {
        return None;
    }
    let op = api
        .operations
        .iter()
        .find(|o| model::command_name(&o.group) == group && model::command_name(&o.name) == name)?;
    Some((op, args))
}

/// A command line checked against the model: what it asks for, before
/// anything is sent or printed.
enum Checked {
    /// An operation of the API, with its request built from the arguments.
    Operation {
        cli: Cli,
        api: &'static Api,
        op: &'static clerk_api_model::Operation,
        request: commands::Request,
    },
    /// One of the CLI's own commands (or none: the examples).
    Own { cli: Cli, api: &'static Api },
}

/// Why a command line was not run.
enum Refused {
    /// clap's answer: a usage error with its suggestions, or the help or
    /// version text asked for.
    Clap(clap::Error),
    Usage(String),
}

/// clap's reading of `args` with the command tree of `api`. The tree is
/// built once per version and process: building it from the model is
/// most of the time a check takes.
fn matches(api: &'static Api, args: &[OsString]) -> Result<clap::ArgMatches, clap::Error> {
    static TREES: std::sync::Mutex<Vec<(&'static str, clap::Command)>> =
        std::sync::Mutex::new(Vec::new());
    let mut trees = TREES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let index = match trees
        .iter()
        .position(|(version, _)| *version == api.version)
    {
        Some(index) => index,
        None => {
            trees.push((api.version.as_str(), command_tree(api)));
            trees.len() - 1
        }
    };
    trees[index].1.try_get_matches_from_mut(args)
}

fn parse(args: &[OsString]) -> Result<Checked, Refused> {
    let api = model::load("bapi", api_version(args).as_deref()).map_err(Refused::Usage)?;
    let matches = matches(api, args).map_err(Refused::Clap)?;
    if let Some((op, op_args)) = operation(api, &matches) {
        let mut globals = matches.clone();
        globals.remove_subcommand();
        let cli = Cli::from_arg_matches(&globals).map_err(|e| Refused::Usage(e.to_string()))?;
        let request = commands::request(api, op, op_args).map_err(|message| {
            Refused::Usage(format!(
                "{}: {message}\n(see `clerk {} {} --help`)",
                model::label(op),
                model::command_name(&op.group),
                model::command_name(&op.name)
            ))
        })?;
        return Ok(Checked::Operation {
            cli,
            api,
            op,
            request,
        });
    }
    let cli = Cli::from_arg_matches(&matches).map_err(|e| Refused::Usage(e.to_string()))?;
    Ok(Checked::Own { cli, api })
}

/// Checks a command line (the program's name first, as `std::env::args_os`
/// gives it) the way [`run`] does before it acts: `Ok` when it would run,
/// the message it would print otherwise. Sends and prints nothing.
pub fn check(args: &[OsString]) -> Result<(), String> {
    match parse(args) {
        Ok(_) => Ok(()),
        Err(Refused::Clap(e)) => Err(e.to_string()),
        Err(Refused::Usage(message)) => Err(message),
    }
}

/// Runs a command line (the program's name first): what `clerk` does.
pub fn run(args: &[OsString]) -> ExitCode {
    let (cli, api) = match parse(args) {
        Ok(Checked::Operation {
            cli,
            api,
            op,
            request,
        }) => return ExitCode::from(call::operation(&cli, api, op, request)),
        Ok(Checked::Own { cli, api }) => (cli, api),
        // Help and --version print to stdout and succeed; usage errors
        // (with clap's suggestions) exit with USAGE.
        Err(Refused::Clap(e)) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(exit::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
        Err(Refused::Usage(message)) => return fail(exit::USAGE, &message),
    };
    let Some(command) = &cli.command else {
        outln!("clerk: Clerk's Backend API from a shell.\n\n{EXAMPLES}\n\nMore: clerk --help");
        return ExitCode::SUCCESS;
    };
    let code = match command {
        Command::Tags => {
            for (tag, count) in model::tags(api) {
                outln!("{count:>4}  {tag}");
            }
            exit::OK
        }
        Command::Endpoints { tag } => {
            let ops: Vec<_> = api
                .operations
                .iter()
                .filter(|o| model::tag(o).eq_ignore_ascii_case(tag))
                .collect();
            if ops.is_empty() {
                return fail(exit::USAGE, &format!("no tag {tag:?}: see `clerk tags`"));
            }
            for o in ops {
                outln!(
                    "{:<7} {:<55} {:<40} {}",
                    o.method.as_str(),
                    o.path,
                    model::label(o),
                    model::first_line(o.summary.as_deref())
                );
            }
            exit::OK
        }
        Command::Search { query } => {
            let results = search::search(api, &query.join(" "));
            if results.is_empty() {
                return fail(
                    exit::USAGE,
                    "no operation matches: try other words, or `clerk tags`",
                );
            }
            for (_, o) in results.iter().take(10) {
                outln!(
                    "{:<40} {:<7} {:<50} {}",
                    model::label(o),
                    o.method.as_str(),
                    o.path,
                    model::first_line(o.summary.as_deref())
                );
            }
            exit::OK
        }
        Command::Show { operation } => match model::find(api, operation) {
            Some(op) => {
                outln!("{}", output::show(api, op).trim_end());
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
        } => call::raw(&cli, api, method, path, query, data.as_deref()),
        Command::Webhooks {
            webhooks_version,
            command,
        } => {
            let api = match model::load("webhooks", webhooks_version.as_deref()) {
                Ok(api) => api,
                Err(e) => return fail(exit::USAGE, &e),
            };
            match command {
                WebhooksCommand::Events => webhooks::events(api),
                WebhooksCommand::Show { event } => webhooks::show(api, event),
                WebhooksCommand::Verify {
                    headers,
                    body,
                    secret_env,
                    any_time,
                } => webhooks::verify(api, headers, body, secret_env, *any_time),
            }
        }
        Command::Completions { shell } => {
            let mut command = command_tree(api);
            clap_complete::generate(*shell, &mut command, "clerk", &mut std::io::stdout());
            exit::OK
        }
    };
    ExitCode::from(code)
}

/// Prints `message` as an error and returns `code`.
pub(crate) fn fail(code: u8, message: &str) -> ExitCode {
    ExitCode::from(error(code, message))
}

/// Prints `message` as an error and returns `code`, as a number.
pub(crate) fn error(code: u8, message: &str) -> u8 {
    eprintln!("error: {message}");
    code
}

/// Prints to stdout; a closed pipe (`clerk tags | head`) ends the program
/// quietly instead of panicking.
#[macro_export]
#[doc(hidden)]
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
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &[&str]) -> Vec<OsString> {
        std::iter::once("clerk")
            .chain(line.iter().copied())
            .map(OsString::from)
            .collect()
    }

    /// The command tree is built once and reused: a check gives the same
    /// answer whatever was checked before it.
    #[test]
    fn checks_do_not_depend_on_the_checks_before_them() {
        let good = args(&["users", "list", "--limit", "10"]);
        let typo = args(&["users", "lsit"]);
        let bad_value = args(&["users", "list", "--limit", "ten"]);
        let help = args(&["users", "--help"]);
        let first = [check(&good), check(&typo), check(&bad_value), check(&help)];
        assert!(first[0].is_ok(), "{first:?}");
        assert!(first[1].as_ref().unwrap_err().contains("list"), "{first:?}");
        assert!(first[2].is_err() && first[3].is_err(), "{first:?}");
        for _ in 0..3 {
            let again = [check(&help), check(&bad_value), check(&typo), check(&good)];
            assert_eq!(again[3], first[0]);
            assert_eq!(again[2], first[1]);
            assert_eq!(again[1], first[2]);
            assert_eq!(again[0], first[3]);
        }
    }
}
