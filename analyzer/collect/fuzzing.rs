//! Entry points that run one input through the whole pipeline and check
//! the invariants every input must keep: no panic, findings inside the
//! text, reports that are valid JSON, no password echoed. The fuzz targets
//! (fuzz/, cargo-fuzz on nightly) and the property tests (tests/properties.rs,
//! stable, every CI run) call them; a broken invariant panics.

use linkready_reports::{InputFile, Report, render_csv, render_json, render_sarif, render_table};
use linkready_rules::{Estate, Instance, Source};

use super::decode::decode;
use super::files::{ScriptOptions, scan_text, script_instance};
use super::inventory::read_inventory_from;
use super::live::connection::parse_server;
use super::live::lower_server;
use crate::config::Config;
use crate::engine::assess;

/// Assesses the instance and renders every format; JSON and SARIF must
/// parse.
fn report_of(instance: Instance) -> Report {
    let estate = Estate {
        instances: vec![instance],
    };
    let assessment = assess(&estate, &[], &Config::default());
    let report = Report::new(assessment, Vec::<InputFile>::new());
    for (format, text) in [
        ("json", render_json(&report)),
        ("sarif", render_sarif(&report)),
    ] {
        if let Err(error) = serde_json::from_str::<serde_json::Value>(&text) {
            panic!("{format} is not valid JSON: {error}");
        }
    }
    let _ = render_table(&report);
    let _ = render_csv(&report);
    report
}

/// A script's bytes: decoded, split, scanned, assessed, rendered; every
/// finding's position inside the text.
pub fn scan_bytes(data: &[u8]) {
    let Ok((text, _)) = decode(data.to_vec()) else {
        return;
    };
    let mut file = scan_text(&text, "fuzz.sql".to_string(), &ScriptOptions::default());
    let instance = script_instance("scripts", std::slice::from_mut(&mut file), &[]);
    let report = report_of(instance);
    let lines = text.split('\n').count();
    for finding in &report.assessment.findings {
        if let Some((_, line, column)) = finding.origin.script_position() {
            assert!(
                line >= 1 && (line as usize) <= lines && column >= 1,
                "{} at {line}:{column}, outside a text of {lines} lines",
                finding.rule.id
            );
        }
    }
}

/// An inventory's bytes: read or refused with an error, never a panic;
/// what is read lowers, assesses and renders.
pub fn inventory_bytes(data: &[u8]) {
    if let Ok(raw) = read_inventory_from(data, "fuzz.inventory.json") {
        report_of(lower_server(raw, Source::Inventory));
    }
}

/// A `--server` value: parsed or refused, never a panic (the fuzz target).
/// Whether a password is echoed is checked where the password is known
/// (`connection_text_with_secret`): guessing it from arbitrary bytes gives
/// false alarms (Debug escapes such as `\0` spell digits).
pub fn connection_text(text: &str) {
    let _ = parse_server(text);
}

/// A `--server` value that holds `secret` as its password: parsed or
/// refused, and the error never shows the secret.
pub fn connection_text_with_secret(text: &str, secret: &str) {
    if let Err(error) = parse_server(text) {
        let message = error.to_string();
        assert!(
            !message.contains(secret),
            "the password {secret:?} is echoed: {message}"
        );
    }
}
