//! Where specs are read from: upstream GitHub, or a mirror with the same
//! layout (`<ref>/<kind>/<version>.yml`) as a local folder or an http(s) URL.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read;
use std::path::PathBuf;

use crate::error::FetchError;
use crate::lock::{Kind, is_version};

/// Raw files of the upstream repository, by ref and path.
pub const UPSTREAM_RAW: &str = "https://raw.githubusercontent.com/clerk/openapi-specs";
/// The GitHub contents API of the upstream repository (its `<kind>/`
/// folders are listed).
pub const UPSTREAM_CONTENTS_API: &str = "https://api.github.com/repos/clerk/openapi-specs/contents";
/// The ref `versions` lists upstream when none is given.
pub const UPSTREAM_DEFAULT_REF: &str = "main";
/// The environment variable that names a mirror (same as `--mirror`).
pub const MIRROR_ENV: &str = "CLERK_SPECS_MIRROR";

/// A place that serves `<ref>/<path>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `raw.githubusercontent.com`, listed through the GitHub contents API.
    Upstream,
    /// A local folder with upstream's layout.
    Folder(PathBuf),
    /// An http(s) server with upstream's layout, listed through its
    /// directory index pages.
    Url(String),
}

/// An open file: its reader and, when known, its length.
pub struct Body {
    pub reader: Box<dyn Read>,
    pub len: Option<u64>,
}

impl Source {
    /// A mirror given as a folder path, a `file://` URL, or an http(s) URL.
    pub fn mirror(spec: &str) -> Source {
        if spec.starts_with("http://") || spec.starts_with("https://") {
            Source::Url(spec.trim_end_matches('/').to_string())
        } else {
            Source::Folder(PathBuf::from(spec.strip_prefix("file://").unwrap_or(spec)))
        }
    }

    /// The mirror named by `CLERK_SPECS_MIRROR`, upstream otherwise: what
    /// commands and tests use when no `--mirror` is given.
    pub fn from_env() -> Source {
        Source::from_mirror(std::env::var(MIRROR_ENV).ok().as_deref())
    }

    /// The mirror if one is given (`--mirror` or `CLERK_SPECS_MIRROR`),
    /// upstream otherwise.
    pub fn from_mirror(mirror: Option<&str>) -> Source {
        match mirror {
            Some(m) if !m.is_empty() => Source::mirror(m),
            _ => Source::Upstream,
        }
    }

    /// The full ref a folder mirror holds for an abbreviated commit
    /// (`f8ab645c` → `f8ab645c25e0…`), when exactly one matches; the ref
    /// as given otherwise (GitHub resolves abbreviations itself).
    pub fn resolve_ref(&self, git_ref: &str) -> String {
        let Source::Folder(root) = self else {
            return git_ref.to_string();
        };
        let is_hex_prefix =
            (4..40).contains(&git_ref.len()) && git_ref.chars().all(|c| c.is_ascii_hexdigit());
        if !is_hex_prefix || root.join(git_ref).is_dir() {
            return git_ref.to_string();
        }
        let matches: Vec<String> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name.starts_with(git_ref) && crate::lock::is_commit(name))
            .collect();
        match matches.as_slice() {
            [one] => one.clone(),
            _ => git_ref.to_string(),
        }
    }

    /// Where `<git_ref>/<path>` is, for messages and downloads.
    pub fn location(&self, git_ref: &str, path: &str) -> String {
        match self {
            Source::Upstream => format!("{UPSTREAM_RAW}/{git_ref}/{path}"),
            Source::Url(base) => format!("{base}/{git_ref}/{path}"),
            Source::Folder(root) => root.join(git_ref).join(path).display().to_string(),
        }
    }

    /// Opens `<git_ref>/<path>` for reading.
    pub fn open(
        &self,
        http: &reqwest::blocking::Client,
        git_ref: &str,
        path: &str,
    ) -> Result<Body, FetchError> {
        let location = self.location(git_ref, path);
        match self {
            Source::Folder(_) => {
                let file = std::fs::File::open(&location).map_err(|source| {
                    if source.kind() == std::io::ErrorKind::NotFound {
                        FetchError::NotFound {
                            url: location.clone(),
                        }
                    } else {
                        io_error(&location, "cannot open", source)
                    }
                })?;
                let len = file.metadata().ok().map(|m| m.len());
                Ok(Body {
                    reader: Box::new(file),
                    len,
                })
            }
            Source::Upstream | Source::Url(_) => {
                let response = get(http, &location)?;
                let len = response.content_length();
                Ok(Body {
                    reader: Box::new(response),
                    len,
                })
            }
        }
    }

    /// The versions of `kind` offered, each with the refs that offer it: at
    /// `git_ref` if given; otherwise upstream's default branch, or every ref
    /// of a mirror.
    pub fn list_versions(
        &self,
        http: &reqwest::blocking::Client,
        kind: Kind,
        git_ref: Option<&str>,
    ) -> Result<BTreeMap<String, BTreeSet<String>>, FetchError> {
        let refs = match (git_ref, self) {
            (Some(r), _) => vec![r.to_string()],
            (None, Source::Upstream) => vec![UPSTREAM_DEFAULT_REF.to_string()],
            (None, Source::Folder(root)) => folder_entries(root, true)?,
            (None, Source::Url(base)) => index_entries(http, &format!("{base}/"), true)?,
        };
        let mut offered: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for r in refs {
            let names = match self {
                Source::Upstream => contents_api_entries(http, kind, &r)?,
                Source::Folder(root) => {
                    let dir = root.join(&r).join(kind.as_str());
                    if !dir.is_dir() {
                        continue;
                    }
                    folder_entries(&dir, false)?
                }
                Source::Url(base) => {
                    match index_entries(http, &format!("{base}/{r}/{kind}/"), false) {
                        Err(FetchError::NotFound { .. }) => continue,
                        other => other?,
                    }
                }
            };
            for version in names.iter().filter_map(|n| n.strip_suffix(".yml")) {
                if is_version(version) {
                    offered
                        .entry(version.to_string())
                        .or_default()
                        .insert(r.clone());
                }
            }
        }
        Ok(offered)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Upstream => write!(f, "upstream ({UPSTREAM_RAW})"),
            Source::Folder(p) => write!(f, "mirror folder {}", p.display()),
            Source::Url(u) => write!(f, "mirror {u}"),
        }
    }
}

/// A GET that turns 404 and other non-success statuses into errors.
pub(crate) fn get(
    http: &reqwest::blocking::Client,
    url: &str,
) -> Result<reqwest::blocking::Response, FetchError> {
    let mut request = http.get(url);
    if url.starts_with("https://api.github.com/") {
        request = request.header("Accept", "application/vnd.github+json");
        if let Ok(token) = std::env::var("GITHUB_TOKEN") {
            request = request.bearer_auth(token);
        }
    }
    let response = request.send().map_err(|e| transport_error(url, &e))?;
    match response.status().as_u16() {
        200..=299 => Ok(response),
        404 => Err(FetchError::NotFound {
            url: url.to_string(),
        }),
        status => Err(FetchError::Status {
            url: url.to_string(),
            status,
        }),
    }
}

/// A failed request as a [`FetchError`]: [`FetchError::Unreachable`] when
/// no connection could be made (no network, a mirror that is down), else
/// [`FetchError::Transport`] with the innermost cause.
pub(crate) fn transport_error(url: &str, error: &reqwest::Error) -> FetchError {
    let reason = crate::error::root_cause(error);
    if !error.is_connect() {
        return FetchError::Transport {
            url: url.to_string(),
            reason,
        };
    }
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_else(|| url.to_string());
    // hyper-util's resolver reports a failed lookup as "dns error: …".
    let dns = crate::error::causes(error).any(|e| e.to_string().starts_with("dns error"));
    FetchError::Unreachable {
        host,
        reason,
        upstream: url.starts_with(UPSTREAM_RAW) || url.starts_with("https://api.github.com/"),
        dns,
    }
}

fn io_error(location: &str, what: &'static str, source: std::io::Error) -> FetchError {
    FetchError::Io {
        location: location.to_string(),
        what,
        source,
    }
}

/// Names in a folder: its sub-folders if `dirs`, else its files.
fn folder_entries(dir: &std::path::Path, dirs: bool) -> Result<Vec<String>, FetchError> {
    let location = dir.display().to_string();
    let entries =
        std::fs::read_dir(dir).map_err(|e| io_error(&location, "cannot list the folder", e))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error(&location, "cannot list the folder", e))?;
        if entry.path().is_dir() == dirs
            && let Some(name) = entry.file_name().to_str()
        {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// Names linked from a directory index page (the HTML listing that static
/// servers such as nginx's autoindex or `python -m http.server` produce):
/// sub-folders (links ending in `/`) if `dirs`, else files.
fn index_entries(
    http: &reqwest::blocking::Client,
    url: &str,
    dirs: bool,
) -> Result<Vec<String>, FetchError> {
    let html = get(http, url)?
        .text()
        .map_err(|e| transport_error(url, &e))?;
    let mut names: Vec<String> = hrefs(&html)
        .filter(|h| !h.contains('?') && !h.starts_with("..") && h.ends_with('/') == dirs)
        .filter_map(|h| {
            h.trim_end_matches('/')
                .rsplit('/')
                .next()
                .map(str::to_string)
        })
        .filter(|n| !n.is_empty() && !n.starts_with('.'))
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// The values of the `href="…"` attributes of an HTML page.
fn hrefs(html: &str) -> impl Iterator<Item = &str> {
    html.split("href=").skip(1).filter_map(|rest| {
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        rest[1..].split(quote).next()
    })
}

/// File names in upstream's `<kind>/` at `git_ref`, from the contents API.
fn contents_api_entries(
    http: &reqwest::blocking::Client,
    kind: Kind,
    git_ref: &str,
) -> Result<Vec<String>, FetchError> {
    #[derive(serde::Deserialize)]
    struct Entry {
        name: String,
        #[serde(rename = "type")]
        kind: String,
    }
    let url = format!("{UPSTREAM_CONTENTS_API}/{kind}?ref={git_ref}");
    let entries: Vec<Entry> = get(http, &url)?.json().map_err(|e| FetchError::Invalid {
        location: url.clone(),
        message: format!("not a GitHub contents listing: {e}"),
    })?;
    Ok(entries
        .into_iter()
        .filter(|e| e.kind == "file")
        .map(|e| e.name)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_kinds() {
        assert_eq!(
            Source::mirror("http://127.0.0.1:8000/"),
            Source::Url("http://127.0.0.1:8000".into())
        );
        assert_eq!(
            Source::mirror("file:///srv/specs"),
            Source::Folder("/srv/specs".into())
        );
        assert_eq!(
            Source::mirror("../shared/clerk-openapi-specs"),
            Source::Folder("../shared/clerk-openapi-specs".into())
        );
        assert_eq!(Source::from_mirror(Some("")), Source::Upstream);
        assert_eq!(
            Source::Upstream.location("abc", "bapi/2025-11-10.yml"),
            "https://raw.githubusercontent.com/clerk/openapi-specs/abc/bapi/2025-11-10.yml"
        );
    }

    #[test]
    fn hrefs_of_an_index_page() {
        let html = r#"<ul><li><a href="2025-11-10.yml">2025-11-10.yml</a></li>
            <li><a href='/x/bapi/2021-02-05.yml'>x</a><a href="../">up</a><a href="sub/">s</a></ul>"#;
        let found: Vec<_> = hrefs(html).collect();
        assert_eq!(
            found,
            ["2025-11-10.yml", "/x/bapi/2021-02-05.yml", "../", "sub/"]
        );
    }
}
