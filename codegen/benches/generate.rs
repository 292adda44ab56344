//! Generation speed per spec version: parsing alone (the baseline) against
//! the whole pipeline (parse, lower, emit, format), in the same run.
//!
//! `cargo xtask fetch` first, then: `cargo bench -p codegen --bench generate`

use std::path::Path;
#[path = "support/mod.rs"]
mod support;

use support::{RUNS, median, ms};

use codegen::emit::Provenance;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/bapi");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yml"))
                .collect()
        })
        .unwrap_or_default();
    specs.sort();
    if specs.is_empty() {
        eprintln!(
            "no specs in {}: run `cargo xtask fetch` first",
            dir.display()
        );
        std::process::exit(1);
    }
    println!("median of {RUNS} runs per step; `ratio` is the whole pipeline over parsing alone\n");
    println!(
        "| version | KB | parse (ms) | lower (ms) | emit + format (ms) | whole (ms) | ratio |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for path in specs {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let provenance = Provenance {
            spec_file: name.clone(),
            sha256: String::new(),
            overlays: Vec::new(),
        };
        let spec = codegen::load::load(&name, &text).unwrap();
        let api = codegen::lower::lower(&spec).unwrap();
        let parse = median(|| codegen::load::load(&name, &text).unwrap());
        let lower = median(|| codegen::lower::lower(&spec).unwrap());
        let emit = median(|| codegen::emit::emit(&api, &provenance).unwrap());
        let whole = median(|| codegen::generate(&text, &[], &provenance).unwrap());
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.2} |",
            name.trim_end_matches(".yml"),
            text.len() / 1024,
            ms(parse),
            ms(lower),
            ms(emit),
            ms(whole),
            whole.as_secs_f64() / parse.as_secs_f64()
        );
    }
}
