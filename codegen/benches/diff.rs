//! Diff speed on two real specs: reading both (the baseline) against the
//! whole comparison (read, lower, diff), in the same run.
//!
//! `cargo xtask fetch` first, then: `cargo bench -p codegen --bench diff`

use std::path::Path;
#[path = "support/mod.rs"]
mod support;

use support::{RUNS, median, ms};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/bapi");
    let pairs = [("2025-04-10", "2025-11-10"), ("2024-10-01", "2025-04-10")];
    println!("median of {RUNS} runs; `ratio` is the whole diff over reading the two specs alone\n");
    println!("| pair | KB | read both (ms) | lower both (ms) | diff (ms) | whole (ms) | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (old, new) in pairs {
        let read = |v: &str| {
            std::fs::read_to_string(dir.join(format!("{v}.yml"))).unwrap_or_else(|_| {
                eprintln!(
                    "no {v}.yml in {}: run `cargo xtask fetch` first",
                    dir.display()
                );
                std::process::exit(1)
            })
        };
        let (a, b) = (read(old), read(new));
        let parse = |text: &str| codegen::load::load("spec", text).unwrap();
        let (sa, sb) = (parse(&a), parse(&b));
        let (ma, mb) = (
            codegen::lower::lower(&sa).unwrap(),
            codegen::lower::lower(&sb).unwrap(),
        );
        let read_both = median(|| {
            std::hint::black_box((parse(&a), parse(&b)));
        });
        let lower_both = median(|| {
            std::hint::black_box((
                codegen::lower::lower(&sa).unwrap(),
                codegen::lower::lower(&sb).unwrap(),
            ));
        });
        let diff = median(|| {
            std::hint::black_box(codegen::diff::diff(&ma, &mb));
        });
        let whole = median(|| {
            let (x, y) = (parse(&a), parse(&b));
            let (x, y) = (
                codegen::lower::lower(&x).unwrap(),
                codegen::lower::lower(&y).unwrap(),
            );
            std::hint::black_box(codegen::diff::diff(&x, &y));
        });
        println!(
            "| {old} → {new} | {} + {} | {} | {} | {} | {} | {:.2} |",
            a.len() / 1024,
            b.len() / 1024,
            ms(read_both),
            ms(lower_both),
            ms(diff),
            ms(whole),
            whole.as_secs_f64() / read_both.as_secs_f64()
        );
    }
}
