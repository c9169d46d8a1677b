//! Many servers at once (issue 14): scripted TDS servers
//! (tests/support/tds.rs) that answer every request after 20 ms, assessed
//! in one run with the default settings: one server alone (the baseline),
//! 1,000 servers, and 1,000 servers of which 20 % accept the connection and
//! never answer (each costs the 15 s connect timeout). Prints wall times,
//! their ratio to the baseline, and the process's peak resident memory
//! (the scripted servers run in the same process and count too).
//!
//! `cargo bench --bench live` (about a minute).

#![allow(clippy::unwrap_used)]

#[path = "../tests/support/tds.rs"]
mod tds;

use std::time::{Duration, Instant};

use linkready::collect::live::LiveOptions;
use linkready::collect::live::connection::parse_server;
use linkready::{ScanRequest, run_scan};

const SERVERS: usize = 1_000;
const SILENT_SHARE: usize = 5; // one server in five never answers
const DELAY_MS: u64 = 20;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Assesses the servers with the default settings; returns the wall time
/// and how many were assessed ready and how many not assessed.
fn run(servers: &[&tds::ScriptedServer]) -> (Duration, usize, usize) {
    let request = ScanRequest {
        servers: servers
            .iter()
            .map(|s| {
                parse_server(&format!(
                    "Server=127.0.0.1,{};User Id=bench;Encrypt=DANGER_PLAINTEXT",
                    s.addr.port()
                ))
                .unwrap()
            })
            .collect(),
        password: Some("bench".into()),
        live: LiveOptions::default(),
        ..ScanRequest::default()
    };
    let start = Instant::now();
    let report = run_scan(&request);
    let elapsed = start.elapsed();
    let count = |verdict: &str| {
        report
            .assessment
            .instances
            .iter()
            .filter(|i| i.verdict.as_str() == verdict)
            .count()
    };
    (elapsed, count("ready"), count("unknown"))
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        // `cargo test --benches` asks for a list; there is nothing to test here.
        return;
    }
    let scenario = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/tds/sql2022-ready.json"
    ))
    .unwrap();
    let mut scenario: serde_json::Value = serde_json::from_str(&scenario).unwrap();
    scenario["delay_ms"] = serde_json::json!(DELAY_MS);
    let scenario = scenario.to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let silent =
        serde_json::json!({ "version": "16.0.4125.3", "silent": true, "queries": {} }).to_string();
    let answering: Vec<tds::ScriptedServer> = (0..SERVERS)
        .map(|_| runtime.block_on(tds::ScriptedServer::start(&scenario)))
        .collect();
    let silent_servers: Vec<tds::ScriptedServer> = (0..SERVERS / SILENT_SHARE)
        .map(|_| runtime.block_on(tds::ScriptedServer::start(&silent)))
        .collect();
    let defaults = LiveOptions::default();
    println!(
        "scripted servers: {DELAY_MS} ms before every reply; default settings: --jobs {}, connect timeout {} s, query timeout {} s",
        defaults.jobs,
        defaults.connect_timeout.as_secs(),
        defaults.query_timeout.as_secs()
    );
    let baseline_rss = peak_rss_kib().unwrap_or(0);

    let (one, ready, _) = run(&[&answering[0]]);
    assert_eq!(ready, 1);
    println!("1 server (baseline): {:.2} s", one.as_secs_f64());

    let all: Vec<&tds::ScriptedServer> = answering.iter().collect();
    let (thousand, ready, _) = run(&all);
    assert_eq!(ready, SERVERS, "every scripted server is assessed as ready");
    println!(
        "{SERVERS} servers: {:.2} s ({:.0}x the baseline for {SERVERS}x the servers)",
        thousand.as_secs_f64(),
        thousand.as_secs_f64() / one.as_secs_f64()
    );

    let answering_share = SERVERS - SERVERS / SILENT_SHARE;
    let mixed: Vec<&tds::ScriptedServer> = answering
        .iter()
        .take(answering_share)
        .chain(silent_servers.iter())
        .collect();
    let (with_silent, ready, unknown) = run(&mixed);
    assert_eq!((ready, unknown), (answering_share, SERVERS / SILENT_SHARE));
    println!(
        "{SERVERS} servers, {} never answering: {:.2} s ({:.0}x the baseline)",
        SERVERS / SILENT_SHARE,
        with_silent.as_secs_f64(),
        with_silent.as_secs_f64() / one.as_secs_f64()
    );
    let peak = peak_rss_kib().unwrap_or(0);
    println!(
        "peak resident memory: {} MiB (before the runs, servers started: {} MiB)",
        peak / 1024,
        baseline_rss / 1024
    );
}
