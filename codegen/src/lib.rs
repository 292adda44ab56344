//! The generator behind `clerk-api`: OpenAPI 3 document → model → Rust
//! tokens. It reads and writes no files and touches no network: `xtask`
//! hands it a spec and writes what it returns.
