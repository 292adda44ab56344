//! Load: the scenarios of `src/bin/load.rs`, each run as a process of its
//! own (so that its memory figures are its own), against loopback servers
//! made for it. The figures are printed (`cargo test --test load --
//! --nocapture`) and the README's "Reliability" section reports them;
//! what is asserted is what must hold on any machine.
#![cfg(target_os = "linux")] // memory is read from /proc/self/status

use std::process::Command;

use serde_json::Value;

const SECRETS: [&str; 2] = ["sk_test_load_secret_never_shown", "whsec_"];

fn run(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_load"))
        .args(args)
        .output()
        .expect("the load binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "load {args:?}: {stdout}{stderr}");
    for secret in SECRETS {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{stdout}{stderr}"
        );
    }
    println!("load {}: {stdout}", args.join(" "));
    serde_json::from_str(&stdout).expect("one JSON object")
}

fn kib(report: &Value, key: &str) -> u64 {
    report[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {report}"))
}

#[test]
fn ten_thousand_requests_256_in_flight_reuse_connections_in_flat_memory() {
    let report = run(&["requests", "10000", "256"]);
    assert_eq!(report["ok"], 10_000, "{report}");
    assert_eq!(report["errors"], Value::Array(vec![]), "{report}");
    // Connections are reused: about one per request in flight (256-259
    // alone on the 2-core machine, 292-372 with the other tests running).
    // A connection goes back to the pool just after its response is read;
    // a request started in that instant opens another, and the busier the
    // machine the more often, with no hard limit. So the bound asserted is
    // reuse itself, at least five requests per connection on average, and
    // the figure is printed.
    let accepted = report["accepted_connections"].as_u64().unwrap();
    assert!((1..=2_000).contains(&accepted), "{report}");
    // Memory after the first thousand requests and after all ten: flat
    // (what grows with the number of requests would show ninefold).
    let (tenth, end) = (
        kib(&report, "rss_after_tenth_kib"),
        kib(&report, "rss_end_kib"),
    );
    assert!(
        end <= tenth + 16 * 1024,
        "RSS {tenth} KiB after 1,000, {end} KiB after 10,000"
    );
}

#[test]
fn a_walk_of_100000_items_streams_in_the_memory_of_a_walk_of_1000() {
    let small = run(&["walk", "1000"]);
    let large = run(&["walk", "100000"]);
    for (report, items, pages) in [(&small, 1_000, 2), (&large, 100_000, 200)] {
        assert_eq!(report["items"], items, "{report}");
        assert_eq!(report["in_order"], true, "{report}");
        assert_eq!(report["pages"], pages, "{report}");
    }
    // 100 times the items (about 20 MB of JSON) in about the same memory:
    // one page of 500 is held at a time.
    let (small_peak, large_peak) = (kib(&small, "peak_rss_kib"), kib(&large, "peak_rss_kib"));
    assert!(
        large_peak <= small_peak + 8 * 1024,
        "peak RSS {small_peak} KiB for 1,000 items, {large_peak} KiB for 100,000"
    );
}

#[test]
fn the_token_verifier_at_256_concurrent_requests_fetches_the_keys_once() {
    let report = run(&["verify", "256"]);
    assert_eq!(report["jwks_fetches"], 1, "{report}");
    assert_eq!(report["cold"]["verified"], 256, "{report}");
    assert_eq!(report["warm"]["verified"], 256, "{report}");
}
