//! The workspace's maintainer commands, as a library so that the
//! integration tests in `tests/` drive the same code as `cargo xtask`.
//!
//! Files and network live here; all knowledge of OpenAPI lives in `codegen`.

pub mod bench;
pub mod diff;
pub mod error;
pub mod fetch;
pub mod fsutil;
pub mod generate;
pub mod lock;
pub mod mirror;
pub mod source;
pub mod versions;

use std::path::{Path, PathBuf};

/// The root of the workspace this xtask was built in.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
