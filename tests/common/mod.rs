//! What the command-line tests share: running the built binary.

pub mod catalog;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date every test report carries (SOURCE_DATE_EPOCH), so snapshots
/// stay byte-identical: 2026-12-01T12:00:00Z.
#[allow(dead_code)]
pub const REPORT_EPOCH: &str = "1796126400";

/// The linkready binary as a command run in `dir`, for callers that add
/// environment variables or standard input; its reports are dated
/// [`REPORT_EPOCH`].
#[allow(dead_code)] // not every test binary needs more than `linkready_in`
pub fn linkready_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_linkready"));
    command
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", REPORT_EPOCH);
    command
}

/// Runs linkready with `args` in `dir`.
#[allow(dead_code)]
pub fn linkready_in(dir: &Path, args: &[&str]) -> Output {
    linkready_command(dir)
        .args(args)
        .output()
        .expect("the linkready binary runs")
}

/// A path below the repository root.
#[allow(dead_code)]
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The SARIF 2.1.0 schema (vendored in fixtures/schemas/, from OASIS) as a validator.
#[allow(dead_code)]
pub fn sarif_validator() -> jsonschema::Validator {
    let schema_path = repo("fixtures/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path).expect("fixtures/schemas holds the SARIF schema"),
    )
    .expect("the SARIF schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Asserts that `document` is valid SARIF, listing every violation.
#[allow(dead_code)]
pub fn assert_valid_sarif(validator: &jsonschema::Validator, document: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Runs linkready with `args` from the repository root (paths such as
/// `fixtures/sample-estate` stay relative in its output).
#[allow(dead_code)] // not every test binary runs from the root
pub fn linkready(args: &[&str]) -> Output {
    linkready_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}
