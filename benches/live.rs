//! Many servers at once: 200 scripted TDS servers (tests/support/tds.rs)
//! that answer every request after 20 ms, assessed in one run with the
//! default pool of 16 and with 64, next to a sequential run (one at a time).
//! Prints wall times, their ratio, and the process's peak resident memory.
//!
//! `cargo bench --bench live` (about two minutes; the sequential run alone
//! takes 200 × one server's round trips).

#![allow(clippy::unwrap_used)]

#[path = "../tests/support/tds.rs"]
mod tds;

use std::time::{Duration, Instant};

use linkready::collect::live::LiveOptions;
use linkready::collect::live::connection::parse_server;
use linkready::{ScanRequest, run_scan};

const SERVERS: usize = 200;
const DELAY_MS: u64 = 20;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run(servers: &[tds::ScriptedServer], jobs: usize) -> Duration {
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
        live: LiveOptions {
            jobs,
            connect_timeout: Duration::from_secs(30),
            query_timeout: Duration::from_secs(30),
        },
        ..ScanRequest::default()
    };
    let start = Instant::now();
    let report = run_scan(&request);
    let elapsed = start.elapsed();
    let ready = report
        .assessment
        .instances
        .iter()
        .filter(|i| i.verdict.as_str() == "ready")
        .count();
    assert_eq!(ready, SERVERS, "every scripted server is assessed as ready");
    elapsed
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
    let servers: Vec<tds::ScriptedServer> = (0..SERVERS)
        .map(|_| runtime.block_on(tds::ScriptedServer::start(&scenario)))
        .collect();
    println!("{SERVERS} scripted servers, {DELAY_MS} ms before every reply");

    let baseline_rss = peak_rss_kib().unwrap_or(0);
    for jobs in [16, 64] {
        let elapsed = run(&servers, jobs);
        println!("concurrent, --jobs {jobs}: {:.2} s", elapsed.as_secs_f64());
    }
    let peak = peak_rss_kib().unwrap_or(0);
    println!(
        "peak resident memory: {} MiB (before the runs: {} MiB)",
        peak / 1024,
        baseline_rss / 1024
    );
    let parallel = run(&servers, 16);
    let sequential = run(&servers, 1);
    println!(
        "sequential (--jobs 1): {:.2} s; --jobs 16: {:.2} s; ratio {:.1}x",
        sequential.as_secs_f64(),
        parallel.as_secs_f64(),
        sequential.as_secs_f64() / parallel.as_secs_f64()
    );
}
