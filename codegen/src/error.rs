//! Errors of loading and lowering a spec. Each names where: the file and
//! line for YAML, the JSON pointer for everything after.

/// A spec that cannot be turned into a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{file}:{line}:{column}: not valid YAML: {message}")]
    Yaml {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{file}: not valid YAML: {message}")]
    YamlNoPosition { file: String, message: String },

    #[error("{file}: not an OpenAPI 3.0 document: {found}")]
    NotOpenApi30 { file: String, found: String },

    #[error("{file}#{pointer}: does not match OpenAPI 3.0: {message}")]
    Schema {
        file: String,
        pointer: String,
        message: String,
    },

    #[error("{file}#{pointer}: invalid overlay: {message}")]
    Overlay {
        file: String,
        pointer: String,
        message: String,
    },

    #[error("#{pointer}: $ref {reference:?} points at nothing")]
    DanglingRef { pointer: String, reference: String },

    #[error("{file}: generated code does not parse (a generator bug): {message}")]
    Emit { file: String, message: String },

    #[error("#{pointer}: unsupported: {message}")]
    Unsupported { pointer: String, message: String },

    /// An `x-clerk-…` declaration that does not fit what it describes.
    #[error("#{pointer}: invalid declaration: {message}")]
    Convention { pointer: String, message: String },
}
