//! The spec loader, the overlay engine, lowering and emission on mutated
//! specs: an error naming where, never a panic or a hang. Input: a spec,
//! optionally followed by `\n---overlay---\n` and an overlay.
#![no_main]

use codegen::emit::Provenance;
use codegen::load::OverlayText;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (spec, overlay) = text.split_once("\n---overlay---\n").unwrap_or((text, ""));
    let overlays = if overlay.is_empty() {
        Vec::new()
    } else {
        vec![OverlayText {
            name: "fuzz-overlay.yaml",
            text: overlay,
        }]
    };
    let provenance = Provenance {
        spec_file: "fuzz.yml".into(),
        sha256: "0".repeat(64),
        overlays: Vec::new(),
    };
    if let Err(e) = codegen::generate(spec, &overlays, &provenance) {
        // Every error says where: a file name, a position or a pointer.
        let message = e.to_string();
        assert!(!message.is_empty());
    }
});
