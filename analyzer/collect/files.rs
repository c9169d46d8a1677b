//! The script collector: finds `.sql` files under the paths given, scans them
//! in parallel, and merges their facts in a deterministic order.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use linkready_rules::{Instance, Source, Suppression, SuppressionScope};
use rayon::prelude::*;
use walkdir::WalkDir;

use super::batches::{Variables, fill_template_parameters, split_batches};
use super::decode::{decode, decode_slice};
use super::has_extension;
use super::inventory::{is_inventory_file_name, is_inventory_name};
use super::sqlproj::{DatabaseProject, is_project_file, is_project_name, read_project};
use super::tsql::{ScriptFacts, ScriptScanner};

/// How to find and read scripts.
#[derive(Debug, Clone, Default)]
pub struct ScriptOptions {
    /// Follow symbolic links inside directories (walkdir detects loops).
    pub follow_symlinks: bool,
    /// The database of scripts that name none with `USE` (`--database`);
    /// the scripts of an SSDT project belong to the project's database.
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
    File {
        path: PathBuf,
        shown: String,
        /// The SSDT project whose folder holds the file.
        project: Option<Arc<DatabaseProject>>,
    },
    Failed {
        shown: String,
        error: String,
    },
}

/// Reads the project file at `path`; an unreadable one is reported.
fn load_project(path: &Path, shown: String) -> Result<DatabaseProject, Candidate> {
    let text = fs::read(path)
        .map_err(|error| format!("cannot read: {error}"))
        .and_then(|bytes| decode(bytes).map_err(|error| format!("cannot decode: {error}")))
        .and_then(|(text, _)| read_project(&text, &shown));
    text.map_err(|error| Candidate::Failed { shown, error })
}

/// The SSDT project of the nearest folder above `path` (a folder or file
/// named on the command line) that holds a `.sqlproj` (the first in name
/// order): an argument inside a project belongs to it. Folders that cannot
/// be listed are passed.
fn enclosing_project(
    path: &Path,
    found: &mut impl FnMut(Candidate),
) -> Option<Arc<DatabaseProject>> {
    let absolute = fs::canonicalize(path).ok()?;
    for folder in absolute.ancestors().skip(1) {
        let Ok(entries) = fs::read_dir(folder) else {
            continue;
        };
        let mut projects: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| is_project_file(path) && path.is_file())
            .collect();
        projects.sort();
        if let Some(path) = projects.into_iter().next() {
            let shown = path.display().to_string();
            return match load_project(&path, shown) {
                Ok(project) => Some(Arc::new(project)),
                Err(failed) => {
                    found(failed);
                    None
                }
            };
        }
    }
    None
}

/// Finds the script files under `paths`, in a deterministic order (the
/// arguments in the order given, each directory walked in file-name order),
/// handing each to `found` as soon as it is seen; returns the inventory files
/// (`*.inventory.json`) met in directories on the same walk. A folder
/// holding a `.sqlproj` is an SSDT project: its scripts, subfolders
/// included, carry that project (the project file comes first in its folder,
/// so it is read before them).
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
                let project = if metadata.is_file() {
                    enclosing_project(root, &mut found)
                } else {
                    None
                };
                found(if metadata.is_file() {
                    Candidate::File {
                        path: root.clone(),
                        shown: shown_root,
                        project,
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
        // The project of a folder above the argument, at depth 0 (the root).
        let mut projects: Vec<(usize, Arc<DatabaseProject>)> = enclosing_project(root, &mut found)
            .map(|project| (0, project))
            .into_iter()
            .collect();
        let walker = WalkDir::new(root)
            .follow_links(options.follow_symlinks)
            .sort_by(|a, b| {
                // Project files first, then by name.
                let (a, b) = (entry_name(a.path()), entry_name(b.path()));
                is_project_name(b)
                    .cmp(&is_project_name(a))
                    .then_with(|| a.cmp(b))
            });
        for entry in walker {
            match entry {
                Ok(entry) => {
                    // A project applies to its folder's entries (its depth)
                    // and below; an entry shallower has left that folder.
                    while projects
                        .last()
                        .is_some_and(|(depth, _)| *depth > entry.depth())
                    {
                        projects.pop();
                    }
                    let name = entry_name(entry.path());
                    let is_file = entry.file_type().is_file();
                    if is_file && is_inventory_file_name(name) {
                        inventories.push(entry.path().to_path_buf());
                    }
                    if is_file && is_project_name(name) {
                        // A second project in the same folder: the first stands.
                        if projects
                            .last()
                            .is_none_or(|(depth, _)| *depth < entry.depth())
                        {
                            let shown = entry.path().display().to_string();
                            match load_project(entry.path(), shown) {
                                Ok(project) => projects.push((entry.depth(), Arc::new(project))),
                                Err(failed) => found(failed),
                            }
                        }
                        continue;
                    }
                    if !has_extension(name, b"sql") || entry.file_type().is_dir() {
                        continue;
                    }
                    let shown = entry.path().to_string_lossy().into_owned();
                    if !seen.insert(shown.clone()) {
                        continue;
                    }
                    let file_type = entry.file_type();
                    found(if file_type.is_file() {
                        Candidate::File {
                            path: entry.into_path(),
                            shown,
                            project: projects.last().map(|(_, project)| Arc::clone(project)),
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

/// The name of an entry the walk made (`parent.join(name)`, never ending
/// in a separator): the bytes after its last separator, which is what
/// `Path::file_name` returns for it, without parsing every component (perf,
/// issue 14: the walk's sort asks it of both entries of every comparison).
/// The walk's root yields an empty name when written with a trailing
/// separator; it is a folder, never checked for a script's name.
fn entry_name(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    let start = bytes
        .iter()
        .rposition(|&byte| std::path::is_separator(char::from(byte)))
        .map_or(0, |separator| separator + 1);
    &bytes[start..]
}

/// Reads and scans every script under `paths`, in parallel; the result is in
/// the order of discovery, whatever the thread timing.
pub fn scan_paths(paths: &[PathBuf], options: &ScriptOptions) -> Vec<ScannedFile> {
    scan_paths_and_find_inventories(paths, options).0
}

/// Progress of a long scan, on stderr for a person at a terminal: hidden
/// for the first second (most scans end before), then a count of files
/// and the one being read; cleared at the end.
struct FileProgress {
    bar: indicatif::ProgressBar,
    terminal: bool,
    started: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl FileProgress {
    fn new() -> Self {
        use std::io::IsTerminal;
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {pos} files scanned {wide_msg}")
        {
            bar.set_style(style);
        }
        FileProgress {
            bar,
            terminal: std::io::stderr().is_terminal(),
            started: std::time::Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn scanned(&self, path: &str) {
        use std::sync::atomic::Ordering;
        if !self.terminal {
            return;
        }
        self.bar.inc(1);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= std::time::Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        if self.shown.load(Ordering::Relaxed) {
            self.bar
                .set_message(linkready_reports::terminal_text(path).into_owned());
        }
    }
}

impl Drop for FileProgress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
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
    let progress = FileProgress::new();
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
                    Candidate::File {
                        path,
                        shown,
                        project,
                    } => scan_file(&path, shown, options, project.as_deref()),
                    Candidate::Failed { shown, error } => ScannedFile::failed(shown, error),
                };
                progress.scanned(&file.path);
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

thread_local! {
    /// Each scanning thread reads its files into one buffer it keeps: a
    /// buffer per file cost an allocation, and for large files fresh pages
    /// the kernel had to clear (perf, issue 14).
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A buffer grown past this by one large file is given back after it.
const KEPT_BUFFER_BYTES: usize = 16 * 1024 * 1024;

fn scan_file(
    path: &Path,
    shown: String,
    options: &ScriptOptions,
    project: Option<&DatabaseProject>,
) -> ScannedFile {
    READ_BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        let read = fs::File::open(path).and_then(|file| read_whole(file, buffer));
        let scanned = match read {
            Err(error) => ScannedFile::failed(shown, format!("cannot read: {error}")),
            Ok(_) => match decode_slice(buffer) {
                Ok((text, _)) => scan_project_text(&text, shown, options, project),
                Err(error) => ScannedFile::failed(shown, format!("cannot decode: {error}")),
            },
        };
        if buffer.capacity() > KEPT_BUFFER_BYTES {
            *buffer = Vec::new();
        }
        scanned
    })
}

/// Reads a file to its end as its size says: `File::read_to_end` asks the
/// size and the position, and reads once more to see the end; reading at
/// most the size it asked lets the end be known without a system call
/// (two calls fewer per file: perf, issue 14). A file that grew since is
/// read as it was when asked.
fn read_whole(file: fs::File, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    let size = file.metadata()?.len();
    buffer.reserve(usize::try_from(size).unwrap_or(0));
    file.take(size).read_to_end(buffer)
}

/// Scans one script's text (already decoded).
pub fn scan_text(text: &str, shown: String, options: &ScriptOptions) -> ScannedFile {
    scan_project_text(text, shown, options, None)
}

/// Scans one script's text (already decoded) of an SSDT project, if any:
/// the project's database stands where no `USE` does (it wins over
/// `--database`, which is for scripts that name nothing), and the
/// project's SQLCMD variables are known before the first `:setvar`.
pub fn scan_project_text(
    text: &str,
    shown: String,
    options: &ScriptOptions,
    project: Option<&DatabaseProject>,
) -> ScannedFile {
    let text = fill_template_parameters(text);
    let variables = project.map_or_else(Variables::new, |project| project.variables.clone());
    let split = split_batches(&text, &variables);
    let default_database = match project {
        Some(project) if !project.database.is_empty() => Some(project.database.clone()),
        _ => options.default_database.clone(),
    };
    let mut scanner = ScriptScanner::new(&shown, default_database);
    scanner.unread_from = split
        .unclosed
        .map(|unclosed| (unclosed.line, unclosed.column));
    let mut statements: u32 = 0;
    for batch in &split.batches {
        scanner.scan_batch(batch);
        statements = statements.saturating_add(batch.statements);
    }
    if let Some(unclosed) = split.unclosed {
        // Nothing after it is read as code, findings included: the file
        // says so (not only when a statement there was tokenized).
        scanner.facts.warnings.push(format!(
            "{shown}:{}:{}: {} opens here and never closes: the rest of the file is not read as code",
            unclosed.line, unclosed.column, unclosed.what
        ));
    }
    if let Some(project) = project {
        // The project builds its database whatever its scripts hold.
        scanner.facts.include_database(&project.database);
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
    let indices: Vec<usize> = (0..files.len()).collect();
    let mut uses = vec![1; files.len()];
    fill_script_instance(&mut instance, files, &indices, &mut uses, selected);
    instance
}

/// Adds the facts of `files[indices]` to a script instance. `uses` counts
/// the instances each file still goes to: the last takes its facts, the
/// others get a copy.
pub(crate) fn fill_script_instance(
    instance: &mut Instance,
    files: &mut [ScannedFile],
    indices: &[usize],
    uses: &mut [usize],
    selected: &[String],
) {
    // A selection names databases; it never creates one (a typo must not
    // become a "ready" database): the scripts' USE statements, CREATE/ALTER
    // DATABASE and statements outside any USE (the default) do.
    for database in selected {
        instance.select_database(database);
    }
    for &index in indices {
        let (Some(file), Some(remaining)) = (files.get_mut(index), uses.get_mut(index)) else {
            continue;
        };
        if let Some(error) = &file.error {
            instance
                .errors
                .push(format!("{}: not assessed: {error}", file.path));
            continue;
        }
        *remaining = remaining.saturating_sub(1);
        let facts = if *remaining == 0 {
            std::mem::take(&mut file.facts)
        } else {
            file.facts.clone()
        };
        for (database, database_facts) in facts.databases {
            instance
                .database_mut(&database)
                .facts
                .extend(database_facts);
        }
        instance.unattributed.extend(facts.unattributed);
        instance.facts.objects.extend(facts.server);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_variables_are_known_until_a_setvar_replaces_them() {
        let project = DatabaseProject {
            path: "p/P.sqlproj".into(),
            database: "P".into(),
            variables: [
                ("DATABASENAME".to_string(), "P".to_string()),
                ("TARGET".to_string(), "Sales".to_string()),
            ]
            .into_iter()
            .collect(),
        };
        let text = "USE [$(Target)]\nCREATE TABLE a AS FILETABLE\nGO\n:setvar Target Orders\nUSE [$(Target)]\nCREATE TABLE b AS FILETABLE\n";
        let file = scan_project_text(
            text,
            "p/x.sql".into(),
            &ScriptOptions::default(),
            Some(&project),
        );
        let names: Vec<&str> = file
            .facts
            .databases
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        // The project's database is one of the scan's even with no fact.
        assert_eq!(names, ["Sales", "Orders", "P"]);
        assert_eq!(file.facts.databases[0].1.filetables[0].value, "a");
        assert_eq!(file.facts.databases[1].1.filetables[0].value, "b");
    }

    /// The walk's name checks on bytes say what the `Path` ones say, for
    /// names with dots where the rules differ, cases, and other separators.
    #[test]
    fn entry_name_checks_agree_with_the_path_ones() {
        let names = [
            "a.sql",
            "A.SQL",
            "a.Sql",
            ".sql",
            "..sql",
            "a..sql",
            "a.sql.bak",
            "sql",
            "a.",
            "a.sqlproj",
            "P.SQLPROJ",
            ".sqlproj",
            "inventory.json",
            "INVENTORY.JSON",
            ".inventory.json",
            "x.inventory.json",
            "xinventory.json",
            "x.inventory.json.txt",
            "d\\e.sql",
            "n\u{e9}.sql",
        ];
        for name in names {
            for path in [format!("root/{name}"), format!("root/sub/{name}")] {
                let path = Path::new(&path);
                let bytes = entry_name(path);
                assert_eq!(
                    Some(bytes),
                    path.file_name().map(|n| n.as_encoded_bytes()),
                    "{name}"
                );
                assert_eq!(
                    has_extension(bytes, b"sql"),
                    path.extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("sql")),
                    "{name}"
                );
                assert_eq!(
                    has_extension(bytes, b"sqlproj"),
                    is_project_file(path),
                    "{name}"
                );
                assert_eq!(
                    is_inventory_file_name(bytes),
                    is_inventory_name(path),
                    "{name}"
                );
            }
        }
    }

    /// A string, comment or delimited name that never closes is a warning
    /// of the file at the place it opens, in a statement read for tokens or
    /// not, and said once (not again by the tokenizer after it).
    #[test]
    fn a_construct_that_never_closes_is_said_once_where_it_opens() {
        let cases = [
            (
                "CREATE TABLE t (c int FILESTREAM)\nSELECT 'abc\nFROM x\n",
                "x.sql:2:8: a string literal opens here",
            ),
            (
                "CREATE TABLE t (c int FILESTREAM) /* open\n",
                "x.sql:1:35: a comment opens here",
            ),
            (
                "CREATE TABLE [t (c int FILESTREAM)\n",
                "x.sql:1:14: a delimited name opens here",
            ),
            (
                "SELECT N'é', 1\r\nSELECT \"é\n",
                "x.sql:2:8: a delimited name opens here",
            ),
            (
                "SELECT 1 /* a /* nested */ comment\nGO\nSELECT 2",
                "x.sql:1:10: a comment opens here",
            ),
        ];
        for (text, expected) in cases {
            let file = scan_text(text, "x.sql".into(), &ScriptOptions::default());
            assert_eq!(file.warnings.len(), 1, "{text:?}: {:?}", file.warnings);
            assert!(
                file.warnings[0].starts_with(expected)
                    && file.warnings[0].ends_with("the rest of the file is not read as code"),
                "{text:?}: {:?}",
                file.warnings
            );
        }
        let closed = scan_text(
            "SELECT 'a' /* b */ FROM [c]\nCREATE TABLE t (c int FILESTREAM)",
            "x.sql".into(),
            &ScriptOptions::default(),
        );
        assert!(closed.warnings.is_empty(), "{:?}", closed.warnings);
    }
}
