//! The report view model: what every format shows, built once.

use linkready_rules::Assessment;

/// Whether an input file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Scanned,
    Error,
}

/// One input file and what became of it.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: String,
    pub status: FileStatus,
    pub batches: u32,
    pub statements: u32,
    pub error: Option<String>,
    pub warnings: Vec<String>,
}

/// One inventory file and what became of it.
#[derive(Debug, Clone)]
pub struct InputInventory {
    pub path: String,
    pub status: FileStatus,
    /// The server it describes, when it could be read.
    pub server: Option<String>,
    pub error: Option<String>,
}

/// What the run was: when, against which target, from which inputs (the
/// HTML page's header; the date also in JSON).
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    /// When the assessment ran, UTC, ISO 8601 (`2026-12-07T09:02:11Z`);
    /// None keeps a report byte-identical between runs (library use).
    pub assessed_at: Option<String>,
    /// The target managed instance's name from linkready.toml `[target]`.
    pub target: Option<String>,
    /// Whether linkready.toml describes a target at all.
    pub target_described: bool,
    /// What was assessed, as given: paths, servers (as shown, never with
    /// credentials), inventories.
    pub inputs: Vec<String>,
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub tool_name: &'static str,
    pub tool_version: &'static str,
    pub assessment: Assessment,
    pub files: Vec<InputFile>,
    pub inventories: Vec<InputInventory>,
    pub context: RunContext,
}

impl Report {
    pub fn new(assessment: Assessment, files: Vec<InputFile>) -> Self {
        Report {
            tool_name: "linkready",
            tool_version: env!("CARGO_PKG_VERSION"),
            assessment,
            files,
            inventories: Vec::new(),
            context: RunContext::default(),
        }
    }
}
