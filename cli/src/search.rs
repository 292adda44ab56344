//! `clerk search "revoke a session"`: operations ranked by how many of the
//! query's words their name, summary, tag and description hold.

use clerk_api_model::{Api, Operation};

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "for", "from", "in", "on", "by", "with", "my", "all", "and",
    "or", "is", "it", "its", "this", "that", "i", "me", "how", "do", "can", "someone", "some",
];

/// Words people say for the words the spec uses.
const SYNONYMS: &[(&str, &str)] = &[
    ("remove", "delete"),
    ("erase", "delete"),
    ("kill", "revoke"),
    ("cancel", "revoke"),
    ("add", "create"),
    ("new", "create"),
    ("make", "create"),
    ("fetch", "get"),
    ("show", "get"),
    ("retrieve", "get"),
    ("read", "get"),
    ("edit", "update"),
    ("change", "update"),
    ("modify", "update"),
    ("block", "ban"),
    ("org", "organization"),
    ("orgs", "organization"),
    ("member", "membership"),
    ("invite", "invitation create"),
    ("people", "user"),
    ("account", "user"),
];

/// A word's stems: lower case, a synonym replaced by the spec's word(s),
/// common endings removed.
fn stems(word: &str) -> Vec<String> {
    let word = word.to_lowercase();
    let expanded = SYNONYMS
        .iter()
        .find(|(from, _)| *from == word)
        .map_or(word.as_str(), |(_, to)| to);
    expanded.split(' ').map(stem).collect()
}

fn stem(word: &str) -> String {
    for ending in ["ations", "ation", "ings", "ing", "ies", "ed", "es", "s"] {
        if let Some(base) = word.strip_suffix(ending)
            && base.len() >= 3
        {
            return base.to_string();
        }
    }
    word.to_string()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .flat_map(stems)
        .collect()
}

fn matches(query: &str, word: &str) -> bool {
    query == word
        || (query.len() >= 4
            && word.len() >= 4
            && (word.starts_with(query) || query.starts_with(word)))
}

/// Operations scored against `query`, best first, those that match at all.
pub fn search<'a>(api: &'a Api, query: &str) -> Vec<(u32, &'a Operation)> {
    let query: Vec<String> = query
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(&w.to_lowercase().as_str()))
        .flat_map(stems)
        .collect();
    let mut scored: Vec<(u32, &Operation)> = api
        .operations
        .iter()
        .filter_map(|op| {
            let fields = [
                (6, words(&op.name.replace('_', " "))),
                (4, words(&op.group)),
                (4, words(op.summary.as_deref().unwrap_or_default())),
                (3, words(crate::model::tag(op))),
                (1, words(op.description.as_deref().unwrap_or_default())),
            ];
            let mut score: u32 = 0;
            let mut every_word = true;
            for q in &query {
                let best = fields
                    .iter()
                    .filter(|(_, ws)| ws.iter().any(|w| matches(q, w)))
                    .map(|(weight, _)| *weight)
                    .max();
                match best {
                    Some(weight) => score += weight,
                    None => every_word = false,
                }
            }
            if every_word {
                score += 5; // all the words: the intent, not a part of it
            }
            if op.deprecated {
                score = score.saturating_sub(3);
            }
            (score > 5 || (!query.is_empty() && score > 0 && query.len() == 1))
                .then_some((score, op))
        })
        .collect();
    // Ties: the plainer operation (`ban` before `bulk_ban`).
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.name.len().cmp(&b.1.name.len()))
            .then(a.1.path.len().cmp(&b.1.path.len()))
    });
    scored
}
