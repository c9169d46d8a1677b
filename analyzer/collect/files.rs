//! The script collector: finds `.sql` files under the paths given, scans them
//! in parallel, and merges their facts in a deterministic order.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use linkready_rules::{Instance, Source, Suppression, SuppressionScope};
use rayon::prelude::*;
use walkdir::WalkDir;

use super::batches::{Variables, fill_template_parameters, split_batches};
use super::decode::decode;
use super::inventory::is_inventory_name;
use super::tsql::{ScriptFacts, ScriptScanner};

/// How to find and read scripts.
#[derive(Debug, Clone, Default)]
pub struct ScriptOptions {
    /// Follow symbolic links inside directories (walkdir detects loops).
    pub follow_symlinks: bool,
    /// The database of scripts that name none with `USE` (`--database`).
    pub default_database: Option<String>,
}

/// The outcome for one input file.
#[derive(Debug)]
pub struct ScannedFile {
    /// The path as found under the argument given.
    pub path: String,
    pub error: Option<String>,
    pub batches: u32,
    pub statements: u32,
    /// Problems that did not stop the scan (tokenizer errors, with positions).
    pub warnings: Vec<String>,
    pub facts: ScriptFacts,
    /// `-- linkready: ignore` comments, one per rule named.
    pub suppressions: Vec<Suppression>,
}

impl ScannedFile {
    fn failed(path: String, error: String) -> Self {
        ScannedFile {
            path,
            error: Some(error),
            batches: 0,
            statements: 0,
            warnings: Vec::new(),
            facts: ScriptFacts::default(),
            suppressions: Vec::new(),
        }
    }
}

/// A file to read, or an input that could not be (with the reason).
enum Candidate {
    File { path: PathBuf, shown: String },
    Failed { shown: String, error: String },
}

/// Finds the script files under `paths`, in a deterministic order (the
/// arguments in the order given, each directory walked in file-name order),
/// handing each to `found` as soon as it is seen; returns the inventory files
/// (`*.inventory.json`) met in directories on the same walk.
fn discover(
    paths: &[PathBuf],
    options: &ScriptOptions,
    mut found: impl FnMut(Candidate),
) -> Vec<PathBuf> {
    let mut inventories = Vec::new();
    let mut seen = HashSet::new();
    for root in paths {
        let shown_root = root.display().to_string();
        let metadata = match fs::metadata(root) {
            Ok(metadata) => metadata,
            Err(error) => {
                found(Candidate::Failed {
                    shown: shown_root,
                    error: format!("cannot read: {error}"),
                });
                continue;
            }
        };
        if !metadata.is_dir() {
            // A file named on the command line is read whatever its extension.
            if seen.insert(shown_root.clone()) {
                found(if metadata.is_file() {
                    Candidate::File {
                        path: root.clone(),
                        shown: shown_root,
                    }
                } else {
                    Candidate::Failed {
                        shown: shown_root,
                        error: "not a regular file".into(),
                    }
                });
            }
            continue;
        }
        let walker = WalkDir::new(root)
            .follow_links(options.follow_symlinks)
            .sort_by_file_name();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_file() && is_inventory_name(entry.path()) {
                        inventories.push(entry.path().to_path_buf());
                    }
                    if !has_sql_extension(entry.path()) || entry.file_type().is_dir() {
                        continue;
                    }
                    let shown = entry.path().display().to_string();
                    if !seen.insert(shown.clone()) {
                        continue;
                    }
                    let file_type = entry.file_type();
                    found(if file_type.is_file() {
                        Candidate::File {
                            path: entry.into_path(),
                            shown,
                        }
                    } else if file_type.is_symlink() {
                        Candidate::Failed {
                            shown,
                            error: "symbolic link not followed (use --follow-symlinks)".into(),
                        }
                    } else {
                        Candidate::Failed {
                            shown,
                            error: "not a regular file".into(),
                        }
                    });
                }
                Err(error) => {
                    let shown = error
                        .path()
                        .map_or_else(|| shown_root.clone(), |p| p.display().to_string());
                    let reason = if error.loop_ancestor().is_some() {
                        "directory loop through a symbolic link; not entered again".to_string()
                    } else {
                        match error.io_error() {
                            Some(io) => format!("cannot read: {io}"),
                            None => error.to_string(),
                        }
                    };
                    found(Candidate::Failed {
                        shown,
                        error: reason,
                    });
                }
            }
        }
    }
    inventories
}

/// The inventory files (`*.inventory.json`) under `paths`, in the same
/// order as scripts are found; files named on the command line are the
/// caller's to pass with `--inventory`.
pub fn find_inventories(paths: &[PathBuf], options: &ScriptOptions) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for root in paths.iter().filter(|path| path.is_dir()) {
        let walker = WalkDir::new(root)
            .follow_links(options.follow_symlinks)
            .sort_by_file_name();
        for entry in walker.into_iter().filter_map(Result::ok) {
            if entry.file_type().is_file() && is_inventory_name(entry.path()) {
                found.push(entry.into_path());
            }
        }
    }
    found
}

fn has_sql_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("sql"))
}

/// Reads and scans every script under `paths`, in parallel; the result is in
/// the order of discovery, whatever the thread timing.
pub fn scan_paths(paths: &[PathBuf], options: &ScriptOptions) -> Vec<ScannedFile> {
    scan_paths_and_find_inventories(paths, options).0
}

/// `scan_paths`, and the inventory files under `paths` (as
/// `find_inventories` finds them), from one walk of the tree. Files are
/// scanned while the walk goes on (on a small machine the walk would
/// otherwise leave a core idle), then put back in the order of discovery.
pub fn scan_paths_and_find_inventories(
    paths: &[PathBuf],
    options: &ScriptOptions,
) -> (Vec<ScannedFile>, Vec<PathBuf>) {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let walker = scope.spawn(move || {
            let mut index = 0usize;
            discover(paths, options, |candidate| {
                // The receiver lives until the walk ends (it is drained below).
                let _ = sender.send((index, candidate));
                index += 1;
            })
        });
        let mut scanned: Vec<(usize, ScannedFile)> = receiver
            .into_iter()
            .par_bridge()
            .map(|(index, candidate)| {
                let file = match candidate {
                    Candidate::File { path, shown } => scan_file(&path, shown, options),
                    Candidate::Failed { shown, error } => ScannedFile::failed(shown, error),
                };
                (index, file)
            })
            .collect();
        scanned.sort_unstable_by_key(|(index, _)| *index);
        let files = scanned.into_iter().map(|(_, file)| file).collect();
        let inventories = walker.join().unwrap_or_else(|_| {
            // The walk panicked: fall back to the separate search.
            find_inventories(paths, options)
        });
        (files, inventories)
    })
}

fn scan_file(path: &Path, shown: String, options: &ScriptOptions) -> ScannedFile {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return ScannedFile::failed(shown, format!("cannot read: {error}")),
    };
    let text = match decode(bytes) {
        Ok((text, _)) => text,
        Err(error) => return ScannedFile::failed(shown, format!("cannot decode: {error}")),
    };
    scan_text(&text, shown, options)
}

/// Scans one script's text (already decoded).
pub fn scan_text(text: &str, shown: String, options: &ScriptOptions) -> ScannedFile {
    let text = fill_template_parameters(text);
    let split = split_batches(&text, &Variables::new());
    let mut scanner = ScriptScanner::new(&shown, options.default_database.clone());
    let mut statements: u32 = 0;
    for batch in &split.batches {
        scanner.scan_batch(batch);
        statements = statements.saturating_add(batch.statements);
    }
    let mut facts = scanner.facts;
    let warnings = std::mem::take(&mut facts.warnings);
    let suppressions = split
        .suppressions
        .iter()
        .flat_map(|comment| {
            comment.rules.iter().map(|rule| Suppression {
                path: shown.clone(),
                line: comment.line,
                column: comment.column,
                rule: rule.clone(),
                scope: match (comment.whole_file, comment.own_line) {
                    (true, _) => SuppressionScope::File,
                    (false, true) => SuppressionScope::NextLine,
                    (false, false) => SuppressionScope::Line,
                },
            })
        })
        .collect();
    ScannedFile {
        suppressions,
        batches: u32::try_from(split.batches.len()).unwrap_or(u32::MAX),
        statements,
        warnings,
        facts,
        error: None,
        path: shown,
    }
}

/// Builds the pseudo-instance that stands for script input.
pub fn script_instance(name: &str, files: &mut [ScannedFile], selected: &[String]) -> Instance {
    let mut instance = Instance::new(name, Source::Script);
    // A selection names databases; it never creates one (a typo must not
    // become a "ready" database): the scripts' USE statements, CREATE/ALTER
    // DATABASE and statements outside any USE (the default) do.
    for database in selected {
        instance.select_database(database);
    }
    for file in files.iter_mut() {
        if let Some(error) = &file.error {
            instance
                .errors
                .push(format!("{}: not assessed: {error}", file.path));
            continue;
        }
        let facts = std::mem::take(&mut file.facts);
        for (database, database_facts) in facts.databases {
            instance
                .database_mut(&database)
                .facts
                .extend(database_facts);
        }
        instance.unattributed.extend(facts.unattributed);
        instance.facts.objects.extend(facts.server);
    }
    instance
}
