//! linkready: tells whether SQL Server databases can be linked to Azure SQL
//! Managed Instance, from their scripts (and, later, live servers and
//! offline inventories).
//!
//! The binary is thin: `cli` parses arguments, [`run_scan`] collects facts,
//! runs the rules and builds the report.

pub mod azure_target;
pub mod cli;
pub mod collect;
pub mod config;
pub mod engine;
pub mod network_results;
pub mod score;
pub mod scripts;

use std::path::{Path, PathBuf};

use linkready_reports::{FileStatus, InputFile, InputInventory, Report};
use linkready_rules::{Estate, Instance, Source};

use collect::attribution::{is_server, merge_scripts_into, script_instances};
use collect::files::{ScriptOptions, scan_paths_and_find_inventories};
use collect::inventory::read_inventory;
use collect::live::connection::ServerSpec;
use collect::live::{LiveOptions, collect_servers, lower_server};

/// The name of the pseudo-instance that holds script input.
pub const SCRIPT_INSTANCE: &str = "scripts";

/// What `linkready scan` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct ScanRequest {
    pub paths: Vec<PathBuf>,
    pub options: ScriptOptions,
    /// Databases selected for linking (`--database`).
    pub databases: Vec<String>,
    /// Live servers to assess (`--server`, `--servers`).
    pub servers: Vec<ServerSpec>,
    /// The SQL authentication password (from SQLCMDPASSWORD or a prompt).
    pub password: Option<String>,
    pub live: LiveOptions,
    /// Offline inventories to assess (`--inventory`), besides those found
    /// under `paths` (`*.inventory.json`).
    pub inventories: Vec<PathBuf>,
    /// linkready.toml (defaults when there is none).
    pub config: config::Config,
}

/// An inventory file as an instance; one that cannot be read is an
/// instance that was not assessed, named by the file.
pub fn inventory_instance(path: &Path) -> (Instance, InputInventory) {
    let shown = path.display().to_string();
    match read_inventory(path) {
        Ok(raw) => {
            let input = InputInventory {
                path: shown,
                status: FileStatus::Scanned,
                server: Some(raw.server.clone()),
                error: None,
            };
            (lower_server(raw, Source::Inventory), input)
        }
        Err(error) => {
            let mut instance = Instance::new(shown.clone(), Source::Inventory);
            instance.facts = linkready_rules::InstanceFacts::unknown(&error.to_string());
            instance.errors.push(format!("not assessed: {error}"));
            let input = InputInventory {
                path: shown,
                status: FileStatus::Error,
                server: None,
                error: Some(error.to_string()),
            };
            (instance, input)
        }
    }
}

/// `--database` names that match no database of any input (system
/// databases excepted: LR201 judges those), each with the closest names
/// that exist.
pub fn unmatched_databases(estate: &Estate, selected: &[String]) -> Vec<(String, Vec<String>)> {
    let mut existing: Vec<&str> = estate
        .instances
        .iter()
        .flat_map(|instance| instance.databases.iter().map(|db| db.name.as_str()))
        .collect();
    existing.sort_unstable();
    existing.dedup();
    selected
        .iter()
        .filter(|name| !linkready_rules::is_system_database(name))
        .filter(|name| !existing.iter().any(|db| db.eq_ignore_ascii_case(name)))
        .map(|name| (name.clone(), closest_names(name, &existing)))
        .collect()
}

/// Up to three names within a small edit distance of `wanted` (case
/// ignored), closest first.
pub fn closest_names(wanted: &str, candidates: &[&str]) -> Vec<String> {
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|candidate| {
            (
                edit_distance(&wanted_lower, &candidate.to_lowercase()),
                *candidate,
            )
        })
        .filter(|(distance, _)| *distance <= limit)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, name)| name.to_string())
        .collect()
}

/// Levenshtein distance over characters (two rows: linear memory).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Scans, assesses, and builds the report. Live servers are read on their
/// own thread while the scripts are scanned.
pub fn run_scan(request: &ScanRequest) -> Report {
    run_assessment(request).1
}

/// Collects, assesses and reports; also returns the facts (the link setup
/// scripts are written from them).
pub fn run_assessment(request: &ScanRequest) -> (Estate, Report) {
    let (mut files, live, found_inventories) = std::thread::scope(|scope| {
        let live = (!request.servers.is_empty()).then(|| {
            scope.spawn(|| {
                collect_servers(
                    request.servers.clone(),
                    request.password.clone(),
                    &request.live,
                )
            })
        });
        let (files, found_inventories) = if request.paths.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            scan_paths_and_find_inventories(&request.paths, &request.options)
        };
        let live = live
            .map(|handle| handle.join().unwrap_or_default())
            .unwrap_or_default();
        (files, live, found_inventories)
    });
    let mut instances = Vec::new();
    let mut inventory_paths = request.inventories.clone();
    inventory_paths.extend(found_inventories);
    let (inventories, inventory_inputs): (Vec<Instance>, Vec<InputInventory>) = inventory_paths
        .iter()
        .map(|path| inventory_instance(path))
        .unzip();
    // `--database` selects on every server too (LR114 counts only the
    // selected databases; LR201 judges the selection).
    let mut servers: Vec<Instance> = live.into_iter().chain(inventories).collect();
    for instance in &mut servers {
        for database in &request.databases {
            instance.select_database(database);
        }
    }
    // Script input is an instance only when a script was read (a folder of
    // inventories alone has none); scripts a server's paths claim join that
    // server's instance when it is assessed too, else stand as their own.
    for scripts in script_instances(
        &mut files,
        &request.config.instances,
        &request.databases,
        SCRIPT_INSTANCE,
    ) {
        let claimed_by = (scripts.name != SCRIPT_INSTANCE
            || request
                .config
                .instances
                .iter()
                .any(|entry| entry.instance == SCRIPT_INSTANCE))
        .then(|| {
            servers
                .iter_mut()
                .find(|server| is_server(server, &scripts.name))
        })
        .flatten();
        match claimed_by {
            Some(server) => merge_scripts_into(server, scripts),
            None => instances.push(scripts),
        }
    }
    instances.extend(servers);
    let estate = Estate { instances };
    let suppressions: Vec<_> = files
        .iter_mut()
        .flat_map(|file| std::mem::take(&mut file.suppressions))
        .collect();
    let assessment = engine::assess(&estate, &suppressions, &request.config);
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
    let mut report = Report::new(assessment, inputs);
    report.inventories = inventory_inputs;
    let target = request.config.settings.target.as_ref();
    report.context = linkready_reports::RunContext {
        assessed_at: None,
        target: target.and_then(|target| target.name.clone()),
        target_described: target.is_some(),
        inputs: request
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .chain(
                request
                    .servers
                    .iter()
                    .map(|server| format!("--server {}", server.display)),
            )
            .chain(
                request
                    .inventories
                    .iter()
                    .map(|path| format!("--inventory {}", path.display())),
            )
            .collect(),
    };
    (estate, report)
}
