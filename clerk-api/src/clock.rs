//! Time for the verifiers: injectable, so that tests can stand at a
//! boundary, and read as whole seconds since the epoch.

use std::sync::Arc;
use std::time::SystemTime;

/// Where a verifier's time comes from.
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The system clock.
pub(crate) fn system() -> Clock {
    Arc::new(SystemTime::now)
}

/// Whole seconds since the epoch (negative before it).
pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}
