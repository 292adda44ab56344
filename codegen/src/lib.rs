//! The generator behind `clerk-api`: OpenAPI 3 document → model → Rust
//! tokens. It reads and writes no files and touches no network: `xtask`
//! hands it a spec's text and writes what it returns.
//!
//! - [`load`]: YAML text → `openapiv3::OpenAPI`, errors with position.
//! - [`lower`]: OpenAPI → [`model::Api`], every name decided.
//! - [`emit`]: model → formatted Rust files.

pub mod conventions;
pub mod diff;
pub mod emit;
pub mod error;
pub mod load;
pub mod lower;
pub mod naming;
pub mod overlay;
pub mod sample;

/// The model, in a crate of its own (`clerk-api-model`) so that the `clerk`
/// CLI can read it without the generator.
pub use clerk_api_model as model;
pub use error::Error;

/// A generated version: its model, its files, and what the overlays did.
#[derive(Debug, Clone)]
pub struct Generated {
    pub api: model::Api,
    pub files: Vec<emit::File>,
    /// The conformance plan (a test module, see [`emit::conformance_file`]).
    pub conformance: emit::File,
    pub overlays: Vec<overlay::Applied>,
}

/// A generated webhooks version: its model (with `events`), its files and
/// what the overlays did.
#[derive(Debug, Clone)]
pub struct GeneratedEvents {
    pub api: model::Api,
    pub files: Vec<emit::File>,
    pub overlays: Vec<overlay::Applied>,
}

/// A webhooks document (plus overlays) → model → the files of its events
/// module. `version` names it: a webhooks document's `info.version` says
/// nothing useful (`v1`), its pin does.
pub fn generate_events(
    text: &str,
    overlays: &[load::OverlayText<'_>],
    provenance: &emit::Provenance,
    version: &str,
) -> Result<GeneratedEvents, Error> {
    let mut value = load::parse(&provenance.spec_file, text)?;
    let applied = load::apply_overlays(&mut value, overlays)?;
    let spec = load::to_openapi(&provenance.spec_file, &value)?;
    let mut api = lower::lower(&spec)?;
    api.version = version.to_string();
    if api.events.is_empty() {
        return Err(Error::Unsupported {
            pointer: format!("/{}", lower::WEBHOOKS),
            message: "a webhooks document without events (x-webhooks, or 3.1's webhooks)".into(),
        });
    }
    let files = emit::emit_events(&api, provenance)?;
    Ok(GeneratedEvents {
        api,
        files,
        overlays: applied,
    })
}

/// Spec text (plus overlays) → model → files, in one call.
/// `provenance.spec_file` names the spec in errors and in the `@generated`
/// header.
pub fn generate(
    text: &str,
    overlays: &[load::OverlayText<'_>],
    provenance: &emit::Provenance,
) -> Result<Generated, Error> {
    let mut value = load::parse(&provenance.spec_file, text)?;
    let applied = load::apply_overlays(&mut value, overlays)?;
    let spec = load::to_openapi(&provenance.spec_file, &value)?;
    let api = lower::lower(&spec)?;
    let files = emit::emit(&api, provenance)?;
    let samples = sample::samples(&api);
    let conformance = emit::conformance_file(&api, &samples, provenance)?;
    Ok(Generated {
        api,
        files,
        conformance,
        overlays: applied,
    })
}
