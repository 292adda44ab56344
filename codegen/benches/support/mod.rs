//! What the benchmarks share: timing.

use std::time::{Duration, Instant};

/// Runs per measurement; the median is reported.
pub const RUNS: usize = 15;

/// The median of `RUNS` runs of `f`, after one run to warm up.
pub fn median<T>(mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[RUNS / 2]
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}
