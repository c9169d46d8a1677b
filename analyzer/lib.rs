//! linkready: tells whether SQL Server databases can be linked to Azure SQL
//! Managed Instance, from their scripts (and, later, live servers and
//! offline inventories).
//!
//! The binary is thin: `cli` parses arguments, [`run_scan`] collects facts,
//! runs the rules and builds the report.

pub mod cli;
pub mod collect;
pub mod engine;
pub mod score;

use std::path::PathBuf;

use linkready_reports::{FileStatus, InputFile, Report};
use linkready_rules::Estate;

use collect::files::{ScriptOptions, scan_paths, script_instance};

/// The name of the pseudo-instance that holds script input.
pub const SCRIPT_INSTANCE: &str = "scripts";

/// What `linkready scan` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct ScanRequest {
    pub paths: Vec<PathBuf>,
    pub options: ScriptOptions,
    /// Databases selected for linking (`--database`).
    pub databases: Vec<String>,
}

/// Scans, assesses, and builds the report.
pub fn run_scan(request: &ScanRequest) -> Report {
    let mut files = scan_paths(&request.paths, &request.options);
    let instance = script_instance(
        SCRIPT_INSTANCE,
        &mut files,
        &request.options,
        &request.databases,
    );
    let estate = Estate {
        instances: vec![instance],
    };
    let suppressions: Vec<_> = files
        .iter_mut()
        .flat_map(|file| std::mem::take(&mut file.suppressions))
        .collect();
    let assessment = engine::assess(&estate, &suppressions);
    let inputs = files
        .into_iter()
        .map(|file| InputFile {
            status: if file.error.is_some() {
                FileStatus::Error
            } else {
                FileStatus::Scanned
            },
            path: file.path,
            batches: file.batches,
            statements: file.statements,
            error: file.error,
            warnings: file.warnings,
        })
        .collect();
    Report::new(assessment, inputs)
}
