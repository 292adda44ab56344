//! The command tree of the Backend API, built from the model at run time:
//! one `clap` subcommand per group, one per operation under it, with the
//! operation's parameters as arguments. `clerk users --help`, `clerk users
//! list --help`, suggestions for typos and shell completions come from
//! `clap`; the values are checked against the model's types before
//! anything is sent.

use clap::builder::{PossibleValuesParser, ValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command};
use clerk_api_model::{Api, BodyEncoding, Field, Operation, Param, ParamLocation, TypeRef};
use serde_json::{Map, Value};

use crate::model::{command_name, display, enum_values, first_line, struct_of};

/// Long flags every operation command has already: the global options,
/// `--data` and `--all`. A body field of the same name is set with
/// `--data`.
const TAKEN: &[&str] = &[
    "api-version",
    "base-url",
    "output",
    "read-only",
    "admin",
    "yes",
    "help",
    "version",
    "data",
    "all",
];

/// One subcommand per group of `api`, each with one per operation (and
/// per deprecated alias, hidden). `existing` are the names of the CLI's
/// own commands: a group of that name (`webhooks`) is merged into it by
/// the caller, so it is returned apart.
pub fn groups(api: &'static Api) -> Vec<(String, Vec<Command>)> {
    let mut groups: Vec<(String, Vec<Command>)> = Vec::new();
    for op in &api.operations {
        let commands = match groups.iter_mut().find(|(g, _)| *g == op.group) {
            Some((_, commands)) => commands,
            None => {
                groups.push((op.group.clone(), Vec::new()));
                &mut groups.last_mut().expect("just pushed").1
            }
        };
        commands.push(operation(api, op));
    }
    groups
}

/// The group's command, its operations under it.
pub fn group(name: &str, operations: Vec<Command>) -> Command {
    let mut command = Command::new(command_name(name));
    if command_name(name) != name {
        command = command.alias(name.to_string()); // as `show` spells it
    }
    command
        .about(format!("Operations on {}", name.replace('_', " ")))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(operations)
}

fn operation(api: &'static Api, op: &'static Operation) -> Command {
    let summary = first_line(op.summary.as_deref().or(op.description.as_deref()));
    let mut long = String::new();
    long.push_str(&format!("{} {}", op.method.as_str(), op.path));
    if op.deprecated {
        long.push_str("  (deprecated)");
    }
    if let Some(text) = op.description.as_deref().or(op.summary.as_deref()) {
        long.push_str("\n\n");
        long.push_str(text.trim());
    }
    if let Some(what) = &op.destructive {
        long.push_str(&format!(
            "\n\nIrreversible: destroys {what}. Asks for confirmation (or --yes)."
        ));
    }
    if let Some(rule) = &op.metadata {
        long.push_str(&format!(
            "\n\nMetadata: {}",
            crate::call::metadata_rule(*rule)
        ));
    }
    if op.pagination.is_some() {
        long.push_str("\n\nPaginated: --all walks every page.");
    }
    let mut command = Command::new(command_name(&op.name))
        .about(summary.to_string())
        .long_about(long)
        .aliases(op.aliases.iter().map(|a| command_name(a)));
    if command_name(&op.name) != op.name {
        command = command.alias(op.name.clone()); // as `show` spells it
    }
    let mut taken: Vec<String> = TAKEN.iter().map(|s| s.to_string()).collect();
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        command = command.arg(
            Arg::new(id(p.location, &p.name))
                .help_heading("Parameters")
                .value_name(p.name.to_uppercase())
                .required(true)
                .help(first_line(p.description.as_deref()).to_string())
                .value_parser(parser(api, &p.ty)),
        );
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
    {
        let flag = command_name(&p.name);
        taken.push(flag.clone());
        command = command.arg(flag_arg(
            api,
            id(p.location, &p.name),
            flag,
            p.required,
            &p.ty,
            p.description.as_deref(),
        ));
    }
    if let Some(body) = &op.body {
        for f in body_fields(api, op) {
            let flag = command_name(&f.name);
            if taken.contains(&flag) {
                continue;
            }
            taken.push(flag.clone());
            // Required fields may come from --data instead: checked after parsing.
            command = command.arg(flag_arg(
                api,
                format!("body:{}", f.name),
                flag,
                false,
                &f.ty,
                f.description.as_deref(),
            ));
        }
        let encoding = match body.encoding {
            BodyEncoding::Json => "JSON",
            BodyEncoding::FormUrlEncoded => "form",
            BodyEncoding::Multipart => "multipart",
        };
        command = command.arg(
            Arg::new("data")
                .help_heading("Parameters")
                .long("data")
                .value_name("JSON")
                .help(format!(
                    "The whole {encoding} body as a JSON object; flags add to it"
                ))
                .value_parser(ValueParser::new(json_object)),
        );
    }
    if op.pagination.is_some() {
        command = command.arg(
            Arg::new("all")
                .help_heading("Parameters")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Walk every page and print the items as one array"),
        );
    }
    command
}

fn id(location: ParamLocation, name: &str) -> String {
    format!("{}:{name}", location.as_str())
}

fn flag_arg(
    api: &'static Api,
    id: String,
    flag: String,
    required: bool,
    ty: &TypeRef,
    description: Option<&str>,
) -> Arg {
    let (repeated, ty) = match ty {
        TypeRef::Array(inner) => (true, &**inner),
        other => (false, other),
    };
    let action = if repeated {
        ArgAction::Append
    } else {
        ArgAction::Set
    };
    let mut help = first_line(description).to_string();
    if repeated {
        help.push_str(" [repeat, or separate with commas]");
    }
    let arg = Arg::new(id)
        .help_heading("Parameters")
        // `-created_at` is a value, not a flag.
        .allow_hyphen_values(matches!(ty, TypeRef::Order(_) | TypeRef::String))
        .long(flag.clone())
        .value_name(flag.replace('-', "_").to_uppercase())
        .required(required)
        .action(action)
        .help(help)
        .value_parser(parser(api, ty));
    if repeated {
        arg.value_delimiter(',')
    } else {
        arg
    }
}

/// Checks a value against its type as clap parses it: numbers, booleans,
/// enum values and sort orders; anything else is taken as written.
fn parser(api: &'static Api, ty: &TypeRef) -> ValueParser {
    match ty {
        TypeRef::I32 | TypeRef::I64 => clap::value_parser!(i64).into(),
        TypeRef::F64 => clap::value_parser!(f64).into(),
        TypeRef::Bool => PossibleValuesParser::new(["true", "false"]).into(),
        TypeRef::Order(fields) => match enum_values(api, fields) {
            Some(values) => PossibleValuesParser::new(
                values
                    .iter()
                    .flat_map(|v| [v.to_string(), format!("+{v}"), format!("-{v}")]),
            )
            .into(),
            None => ValueParser::string(),
        },
        other => match enum_values(api, other) {
            Some(values) => PossibleValuesParser::new(values).into(),
            None => ValueParser::string(),
        },
    }
}

fn json_object(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("expected a JSON object".into()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

/// The top-level fields of an operation's body, which it takes as flags.
fn body_fields(api: &'static Api, op: &Operation) -> &'static [Field] {
    op.body
        .as_ref()
        .and_then(|b| struct_of(api, &b.ty))
        .map_or(&[], |s| s.fields.as_slice())
}

/// An operation's arguments, checked and encoded as the request sends them.
pub struct Request {
    pub path: String,
    pub query: Vec<(String, Value, bool)>,
    pub headers: Vec<(String, Value)>,
    pub body: Option<Value>,
    pub all: bool,
}

/// The request an operation's parsed arguments make: the path filled in
/// (escaped by the runtime), the query and headers typed, the body from
/// `--data` and the field flags, with its required fields checked.
pub fn request(
    api: &'static Api,
    op: &'static Operation,
    matches: &ArgMatches,
) -> Result<Request, String> {
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let path = clerk_api::path(&op.path, |name| {
        let p = op.params.iter().find(|p| p.name == name)?;
        matches
            .get_raw(&id(ParamLocation::Path, &p.name))?
            .next()
            .map(|v| v.to_string_lossy().into_owned())
    })
    .map_err(|e| e.to_string())?;
    for p in op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
    {
        let Some(value) = value(api, matches, &id(p.location, &p.name), &p.ty) else {
            continue;
        };
        match p.location {
            ParamLocation::Header => headers.push((p.name.clone(), value)),
            _ => query.push((p.name.clone(), value, is_joined(p))),
        }
    }
    let mut body = None;
    if let Some(spec) = &op.body {
        let mut fields: Map<String, Value> = matches
            .get_one::<Map<String, Value>>("data")
            .cloned()
            .unwrap_or_default();
        for f in body_fields(api, op) {
            if let Some(value) = value(api, matches, &format!("body:{}", f.name), &f.ty) {
                fields.insert(f.name.clone(), value);
            }
        }
        let missing: Vec<String> = body_fields(api, op)
            .iter()
            .filter(|f| f.required && !fields.contains_key(&f.name))
            .map(|f| format!("--{}", command_name(&f.name)))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "missing {} (required in the body; or give them in --data)",
                missing.join(", ")
            ));
        }
        if spec.required || !fields.is_empty() {
            body = Some(Value::Object(fields));
        }
    }
    Ok(Request {
        path,
        query,
        headers,
        body,
        all: matches
            .try_get_one::<bool>("all")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false),
    })
}

/// An array query parameter sent as one comma-joined value.
fn is_joined(p: &Param) -> bool {
    matches!(p.ty, TypeRef::Array(_)) && !p.explode
}

/// The JSON value of an argument, typed by the model; `None` when absent.
/// Its text was checked by the argument's value parser (numbers, booleans,
/// enum values, UTF-8) when clap read it.
fn value(api: &Api, matches: &ArgMatches, id: &str, ty: &TypeRef) -> Option<Value> {
    let raw = matches.get_raw(id)?;
    let texts: Vec<String> = raw.map(|v| v.to_string_lossy().into_owned()).collect();
    let scalar = |ty: &TypeRef, text: &str| -> Value {
        match ty {
            TypeRef::I32 | TypeRef::I64 => text.parse::<i64>().map_or(Value::Null, Value::from),
            TypeRef::F64 => text.parse::<f64>().map_or(Value::Null, Value::from),
            TypeRef::Bool => Value::Bool(text == "true"),
            TypeRef::String | TypeRef::Order(_) => Value::String(text.to_string()),
            _ if enum_values(api, ty).is_some() => Value::String(text.to_string()),
            // Objects and free-form values as JSON; plain text otherwise.
            _ => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string())),
        }
    };
    Some(match ty {
        TypeRef::Array(inner) => Value::Array(texts.iter().map(|t| scalar(inner, t)).collect()),
        other => scalar(other, texts.first().map_or("", String::as_str)),
    })
}

/// How a parameter is described in `clerk show`.
pub fn describe(api: &Api, p: &Param) -> String {
    let mark = if p.required { "*" } else { "" };
    let mut line = match p.location {
        ParamLocation::Path => format!(
            "{}{mark}  {} (path, positional)",
            p.name,
            display(api, &p.ty)
        ),
        location => format!(
            "--{}{mark}  {} ({})",
            command_name(&p.name),
            display(api, &p.ty),
            location.as_str()
        ),
    };
    if let Some(first) = Some(first_line(p.description.as_deref())).filter(|d| !d.is_empty()) {
        line.push_str(" — ");
        line.push_str(first);
    }
    line
}
