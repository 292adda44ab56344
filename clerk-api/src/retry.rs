//! When and how long to wait before sending a request again.
//!
//! The defaults follow the spec's `x-speakeasy-retries` (500 ms initial
//! interval, 60 s longest interval, exponent 1.5, on 5XX and connection
//! errors), with two things Clerk's own SDKs lack: a 429 is retried for
//! any method after the `Retry-After` it names, and there are bounds on
//! attempts and on total time.

use std::time::{Duration, SystemTime};

/// How failed requests are retried. `RetryPolicy::default()` is on;
/// `RetryPolicy::none()` is off.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; `1` turns retries off.
    pub max_attempts: u32,
    /// The wait before the first retry.
    pub initial_interval: Duration,
    /// The longest wait between two attempts (also the longest
    /// `Retry-After` honoured: a longer one ends the retries).
    pub max_interval: Duration,
    /// Each wait is the previous one times this.
    pub exponent: f64,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// Retry server errors and connection failures of POST and PATCH too
    /// (by default only GET, HEAD, PUT, DELETE and OPTIONS, which are
    /// idempotent). 429s are retried for every method.
    pub retry_non_idempotent: bool,
    /// Spread waits randomly over [wait/2, wait], so that many clients do
    /// not retry in step.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            exponent: 1.5,
            max_elapsed: Duration::from_secs(120),
            retry_non_idempotent: false,
            jitter: true,
        }
    }
}

/// Why a response or failure may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// 429, with the server's wait if it gave one.
    RateLimited(Option<Duration>),
    /// A 5XX status.
    ServerError,
    /// The connection failed or timed out.
    Connection,
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1-based) without jitter.
    fn backoff(&self, retry: u32) -> Duration {
        let factor = self.exponent.max(1.0).powi(retry.saturating_sub(1) as i32);
        let wait = self.initial_interval.as_secs_f64() * factor;
        Duration::from_secs_f64(wait.min(self.max_interval.as_secs_f64()))
    }

    /// How long to wait before another attempt, or `None` to stop.
    /// `attempts` were made so far, `elapsed` since the first began.
    pub(crate) fn wait(
        &self,
        why: Retryable,
        idempotent: bool,
        attempts: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let wait = match why {
            Retryable::RateLimited(Some(after)) if after > self.max_interval => return None,
            Retryable::RateLimited(Some(after)) => after,
            Retryable::RateLimited(None) => self.jittered(self.backoff(attempts)),
            Retryable::ServerError | Retryable::Connection
                if idempotent || self.retry_non_idempotent =>
            {
                self.jittered(self.backoff(attempts))
            }
            Retryable::ServerError | Retryable::Connection => return None,
        };
        (elapsed + wait <= self.max_elapsed).then_some(wait)
    }

    fn jittered(&self, wait: Duration) -> Duration {
        if !self.jitter {
            return wait;
        }
        let half = wait / 2;
        half + half.mul_f64(random_unit())
    }
}

/// A number in [0, 1) that differs between calls; jitter needs no more.
fn random_unit() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    // splitmix64
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After`: seconds, or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate(value)?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// IMF-fixdate, the one HTTP date format servers send today:
/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn httpdate(value: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u64 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as u64
        + 1;
    let year: u64 = year.parse().ok()?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    // Days since 1970-01-01 (civil-from-days inverse, proleptic Gregorian).
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_jitter() -> RetryPolicy {
        RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn backoff_follows_the_spec() {
        let p = no_jitter();
        let waits: Vec<u128> = (1..=3)
            .map(|a| {
                p.wait(Retryable::ServerError, true, a, Duration::ZERO)
                    .unwrap()
                    .as_millis()
            })
            .collect();
        assert_eq!(waits, [500, 750, 1125]);
        let long = RetryPolicy {
            max_attempts: 100,
            max_elapsed: Duration::from_secs(9999),
            ..p
        };
        assert_eq!(
            long.wait(Retryable::ServerError, true, 30, Duration::ZERO),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn what_is_retried() {
        let p = no_jitter();
        let zero = Duration::ZERO;
        assert!(
            p.wait(Retryable::ServerError, false, 1, zero).is_none(),
            "POST 503"
        );
        assert!(
            p.wait(Retryable::Connection, false, 1, zero).is_none(),
            "POST connection"
        );
        assert_eq!(
            p.wait(
                Retryable::RateLimited(Some(Duration::from_secs(1))),
                false,
                1,
                zero
            ),
            Some(Duration::from_secs(1))
        );
        assert!(
            p.wait(
                Retryable::RateLimited(Some(Duration::from_secs(61))),
                true,
                1,
                zero
            )
            .is_none(),
            "too long a Retry-After"
        );
        assert!(
            p.wait(Retryable::ServerError, true, 4, zero).is_none(),
            "attempts bound"
        );
        assert!(
            p.wait(Retryable::ServerError, true, 1, Duration::from_secs(120))
                .is_none(),
            "elapsed bound"
        );
        assert!(
            RetryPolicy::none()
                .wait(Retryable::RateLimited(None), true, 1, zero)
                .is_none()
        );
        let opt_in = RetryPolicy {
            retry_non_idempotent: true,
            ..no_jitter()
        };
        assert!(
            opt_in
                .wait(Retryable::ServerError, false, 1, zero)
                .is_some()
        );
    }

    #[test]
    fn jitter_stays_within_half_to_full() {
        let p = RetryPolicy::default();
        for _ in 0..100 {
            let w = p
                .wait(Retryable::ServerError, true, 2, Duration::ZERO)
                .unwrap();
            assert!(
                w >= Duration::from_millis(375) && w <= Duration::from_millis(750),
                "{w:?}"
            );
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(
            httpdate("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777))
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
