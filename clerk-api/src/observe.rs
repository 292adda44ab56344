//! A hook that sees every HTTP exchange: for logs, metrics or tracing
//! keyed by operation id, without touching generated code.

use std::sync::Arc;
use std::time::Duration;

/// One attempt of one operation, as the hook sees it. The key is not in
/// it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Exchange<'a> {
    /// The spec's operationId, e.g. `ListUsers`.
    pub operation: &'static str,
    /// The API version sent in `Clerk-API-Version`.
    pub version: &'static str,
    pub method: &'a reqwest::Method,
    /// The path after the base URL, e.g. `/users/user_123`.
    pub path: &'a str,
    /// 1 for the first attempt, 2 for the first retry…
    pub attempt: u32,
    /// The response status and headers; `None` when no response came
    /// (connection failure, timeout).
    pub response: Option<(u16, &'a reqwest::header::HeaderMap)>,
    /// How long the attempt took, body included.
    pub elapsed: Duration,
}

/// The hook: called after every attempt, on the task that sent it, so it
/// should be quick.
pub(crate) type Observer = Arc<dyn Fn(&Exchange<'_>) + Send + Sync>;
