//! Measuring against a baseline in the same run, for the benchmarks in
//! `tests/benches`: samples of the two interleaved so that both see the
//! same machine, medians compared.

use std::time::{Duration, Instant};

/// Samples taken of each side.
pub const SAMPLES: usize = 15;
/// Iterations per sample.
pub const PER_SAMPLE: usize = 2000;

/// Per-iteration medians of `baseline` and `measured`, each called
/// `PER_SAMPLE` times per sample.
pub fn compare(mut baseline: impl FnMut(), mut measured: impl FnMut()) -> (Duration, Duration) {
    compare_batches(
        || (0..PER_SAMPLE).for_each(|_| baseline()),
        || (0..PER_SAMPLE).for_each(|_| measured()),
    )
}

/// As [`compare`], for functions that run `PER_SAMPLE` iterations each
/// (inside one `block_on`, say).
pub fn compare_batches(
    mut baseline: impl FnMut(),
    mut measured: impl FnMut(),
) -> (Duration, Duration) {
    baseline();
    measured();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for _ in 0..SAMPLES {
        for (f, out) in [
            (&mut baseline as &mut dyn FnMut(), &mut a),
            (&mut measured, &mut b),
        ] {
            let start = Instant::now();
            f();
            out.push(start.elapsed() / PER_SAMPLE as u32);
        }
    }
    a.sort();
    b.sort();
    (a[SAMPLES / 2], b[SAMPLES / 2])
}

/// Microseconds, for the tables.
pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// `measured / baseline`.
pub fn ratio(measured: Duration, baseline: Duration) -> f64 {
    measured.as_secs_f64() / baseline.as_secs_f64()
}
