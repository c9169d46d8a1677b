//! One large server from an inventory: 2,000 databases, each with findings
//! (SIMPLE recovery, no full backup, ADR off), so the engine's per-database
//! grouping of findings is what the time depends on.
//!
//! `cargo bench --bench estate`. The inventory is generated from the sample
//! estate's SQL01 into a temporary directory.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::Criterion;
use linkready::{ScanRequest, run_assessment};
use serde_json::{Value, json};

const DATABASES: usize = 2_000;

/// SQL01's inventory with its databases replaced by `count` generated ones.
fn large_inventory(count: usize) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sample-estate/inventories/sql01.inventory.json");
    let text = std::fs::read_to_string(&path).expect("the sample inventory is readable");
    let mut inventory: Value = serde_json::from_str(&text).expect("the sample inventory is JSON");
    let names: Vec<String> = (0..count).map(|i| format!("Db{i:04}")).collect();
    let mut results: Vec<Value> = inventory["results"]
        .as_array()
        .expect("results is a list")
        .iter()
        .filter(|r| {
            let query = r["query"].as_str().unwrap_or_default();
            !query.starts_with("database_objects:") && !query.starts_with("database_modules:")
        })
        .cloned()
        .collect();
    for result in &mut results {
        let rows: Vec<Value> = match result["query"].as_str().unwrap_or_default() {
            "databases" => names
                .iter()
                .map(|name| {
                    json!({"compatibility_level": 160, "has_access": 1, "is_adr_on": 0,
                        "is_broker_enabled": 0, "is_cdc_enabled": 0, "is_encrypted": 0,
                        "is_in_standby": 0, "is_published": 0, "is_read_only": 0,
                        "is_stretch_enabled": 0, "is_subscribed": 0, "log_chain_started": 0,
                        "name": name, "recovery_model": "SIMPLE", "size_mb": 512,
                        "state": "ONLINE", "user_access": "MULTI_USER"})
                })
                .collect(),
            "database_files" => names
                .iter()
                .flat_map(|name| {
                    [
                        json!({"data_space_id": 1, "database_name": name, "name": name, "type": "ROWS"}),
                        json!({"data_space_id": 0, "database_name": name, "name": format!("{name}_log"), "type": "LOG"}),
                    ]
                })
                .collect(),
            "backups" => Vec::new(),
            _ => continue,
        };
        result["rows"] = Value::Array(rows);
    }
    for name in &names {
        results.push(
            json!({"query": format!("database_objects:{name}"), "error": null, "rows": [
            {"detail": "FG", "kind": "filegroup", "name": "PRIMARY"},
            {"detail": "ROWS|PRIMARY", "kind": "file", "name": name},
            {"detail": "LOG|", "kind": "file", "name": format!("{name}_log")}]}),
        );
        results
            .push(json!({"query": format!("database_modules:{name}"), "error": null, "rows": []}));
    }
    inventory["results"] = Value::Array(results);
    inventory
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("large.inventory.json");
    std::fs::write(&path, large_inventory(DATABASES).to_string()).expect("writes the inventory");
    let request = ScanRequest {
        inventories: vec![path],
        ..ScanRequest::default()
    };
    let (_, report) = run_assessment(&request);
    println!(
        "estate: {} databases, {} findings",
        report.assessment.instances[0].databases.len(),
        report.assessment.findings.len()
    );
    let mut criterion = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    criterion.bench_function("estate/assess_2000_databases", |b| {
        b.iter(|| black_box(run_assessment(&request)))
    });
    criterion.final_summary();
}
