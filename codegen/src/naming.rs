//! Rust names from spec names: one place decides how `GetUserList`,
//! `x-speakeasy-name-override: setProfileImage`, `JWKS.rsa.PublicKey` or
//! an enum value like `-created_at` become identifiers.

use std::collections::BTreeSet;

/// Splits a name into lower-case words at case changes, digits after
/// letters, and any non-alphanumeric character.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if p.is_ascii_alphanumeric() => {
                // fooBar, fooBAR | FOOBar (an acronym followed by a word)
                (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                    || (p.is_ascii_uppercase()
                        && c.is_ascii_uppercase()
                        && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Acronyms Clerk writes in mixed case, which the camel-case split cuts in
/// two (`OAuth` → `o`, `auth`): one word again in snake case, so that
/// `getOAuthAccessToken` is `get_oauth_access_token`. (`SAML`, `JWT`,
/// `M2M` and `TOTP` are split right already.)
const SPLIT_ACRONYMS: &[(&str, &str)] = &[("o", "auth")];

fn one_word_acronyms(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for word in words {
        let joins = out.last().is_some_and(|last| {
            SPLIT_ACRONYMS
                .iter()
                .any(|(first, second)| last == first && word == *second)
        });
        match out.last_mut() {
            Some(last) if joins => last.push_str(&word),
            _ => out.push(word),
        }
    }
    out
}

/// `snake_case`, safe as a Rust identifier (keywords are suffixed with `_`,
/// a leading digit gets a `_` prefix).
pub fn snake(name: &str) -> String {
    let joined = one_word_acronyms(words(name)).join("_");
    ident(if joined.is_empty() {
        "value".into()
    } else {
        joined
    })
}

/// `PascalCase`, safe as a Rust type or variant name.
pub fn pascal(name: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    ident(if joined.is_empty() {
        "Empty".into()
    } else {
        joined
    })
}

/// Module names for API versions: `2025-11-10` → `v2025_11_10`.
pub fn version_module(version: &str) -> String {
    format!("v{}", version.replace(['-', '.'], "_"))
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

fn ident(name: String) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Hands out names unique within one scope: a taken name gets the lowest
/// free numeric suffix (`Name2`, `Name3`, …), deterministically.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves `name` or, if taken, the first free `name{n}`.
    pub fn claim(&mut self, name: &str) -> String {
        let mut candidate = name.to_string();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{name}{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case() {
        assert_eq!(snake("GetUserList"), "get_user_list");
        assert_eq!(snake("setProfileImage"), "set_profile_image");
        assert_eq!(snake("getOAuthAccessToken"), "get_oauth_access_token");
        assert_eq!(
            snake("UpdateOAuthApplicationSettings"),
            "update_oauth_application_settings"
        );
        assert_eq!(snake("ListM2MTokens"), "list_m2m_tokens");
        assert_eq!(snake("CreateSAMLConnection"), "create_saml_connection");
        assert_eq!(snake("VerifyJWTTemplate"), "verify_jwt_template");
        assert_eq!(snake("verifyTOTP"), "verify_totp");
        assert_eq!(snake("JWKS.rsa.PublicKey"), "jwks_rsa_public_key");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("2fa_enabled"), "_2fa_enabled");
        assert_eq!(snake("-created_at"), "created_at");
        assert_eq!(snake("__"), "value");
    }

    #[test]
    fn pascal_case() {
        assert_eq!(pascal("verification_otp"), "VerificationOtp");
        assert_eq!(pascal("CommercePlan-2"), "CommercePlan2");
        assert_eq!(pascal("OTP"), "Otp");
        assert_eq!(pascal("JWKS.ecdsa.PublicKey"), "JwksEcdsaPublicKey");
        assert_eq!(pascal("org:admin"), "OrgAdmin");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(pascal("3ds"), "_3ds");
    }

    #[test]
    fn scopes_suffix_deterministically() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim("User"), "User");
        assert_eq!(scope.claim("User"), "User2");
        assert_eq!(scope.claim("User"), "User3");
        assert!(scope.contains("User2"));
    }

    #[test]
    fn version_modules() {
        assert_eq!(version_module("2025-11-10"), "v2025_11_10");
    }
}
