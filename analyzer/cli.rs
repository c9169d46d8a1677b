//! The command line: `linkready scan`, `linkready rules`, `linkready rule ID`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use linkready_reports::{OutputFormat, render, render_rule_list};
use linkready_rules::{RULES, RuleMeta, Severity, find_rules};

use crate::ScanRequest;
use crate::collect::files::ScriptOptions;
use crate::collect::inventory::to_document;
use crate::collect::live::connection::{ServerSpec, parse_server, parse_server_list};
use crate::collect::live::script::collection_script;
use crate::collect::live::{LiveOptions, collect_raw};

/// Tells whether SQL Server databases can be linked to Azure SQL Managed
/// Instance, what blocks them, and what to fix.
#[derive(Debug, Parser)]
#[command(name = "linkready", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour in tables: auto (on a terminal, unless NO_COLOR is set or
    /// TERM is dumb), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether standard output gets colour. NO_COLOR (no-color.org: set
    /// and not empty) turns `auto` off; `always` is the user's explicit
    /// wish and wins over it.
    fn for_stdout(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
                let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
                !no_color && !dumb && io::stdout().is_terminal()
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess T-SQL script trees and live servers for what blocks the link.
    Scan(ScanArgs),
    /// Write the link setup scripts (T-SQL and PowerShell) for every
    /// database that can be linked to the target in linkready.toml.
    Scripts(ScriptsArgs),
    /// List the rule catalog.
    Rules,
    /// Show one rule's documentation (by ID or name, e.g. LR202 or filestream).
    Rule {
        /// The rule ID or name.
        id: String,
    },
    /// Compare two JSON reports (`scan --format json`) of the same estate:
    /// verdicts that moved, findings fixed and new; exit 1 when something
    /// got worse.
    Diff(DiffArgs),
    /// Explain a link error: its number (41974) or the pasted message
    /// ("Msg 41974, Level 16, …"): what it means, what to check, how to fix
    /// it, and the rules that predict it. Without an argument, list them.
    Explain(ExplainArgs),
    /// The links that exist (distributed availability groups toward a
    /// managed instance): per link healthy, degraded or broken, with the
    /// reasons; per database its state, lag, queues and seeding. Exit 1
    /// when any link is not healthy or could not be read.
    Status(StatusArgs),
    /// Read live servers' catalogs and write them as offline inventories.
    Collect(CollectArgs),
    /// Write the T-SQL collection script that produces an inventory where
    /// linkready cannot connect (run it with SSMS or sqlcmd).
    CollectScript {
        /// Write the script to FILE instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Instead, write the GRANT script that gives LOGIN the read-only
        /// rights an assessment needs without sysadmin (VIEW SERVER STATE,
        /// VIEW ANY DEFINITION, CONNECT ANY DATABASE, SELECT on the msdb
        /// tables read); it can run again.
        #[arg(long, value_name = "LOGIN")]
        grant: Option<String>,
    },
}

/// How long to wait for a live server.
#[derive(Debug, clap::Args)]
pub struct TimeoutArgs {
    /// Seconds to wait for a connection and login.
    #[arg(long, default_value_t = 15, value_name = "SECONDS")]
    pub connect_timeout: u64,
    /// Seconds to wait for each catalog query.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub query_timeout: u64,
}

impl TimeoutArgs {
    fn live_options(&self, jobs: usize) -> LiveOptions {
        LiveOptions {
            jobs,
            connect_timeout: Duration::from_secs(self.connect_timeout),
            query_timeout: Duration::from_secs(self.query_timeout),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CollectArgs {
    /// A server (see `scan --server`); repeatable. The password comes from
    /// SQLCMDPASSWORD or a prompt.
    #[arg(long = "server", value_name = "CONN")]
    pub servers: Vec<String>,
    /// A file of servers, one per line (`#` starts a comment); repeatable.
    #[arg(long = "servers", value_name = "FILE")]
    pub server_files: Vec<PathBuf>,
    /// Where to write the inventory of one server (a name ending in
    /// .inventory.json is found by `scan DIR`).
    #[arg(long, short, value_name = "FILE", conflicts_with = "out")]
    pub output: Option<PathBuf>,
    /// Write one DIR/<server>.inventory.json per server (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Servers read at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// A live server (see `scan --server`); repeatable. Give both sides of
    /// a link (SQL Server and the managed instance) to see a split brain.
    #[arg(long = "server", value_name = "CONN")]
    pub servers: Vec<String>,
    /// A file of servers, one per line (`#` starts a comment); repeatable.
    #[arg(long = "servers", value_name = "FILE")]
    pub server_files: Vec<PathBuf>,
    /// An inventory written by `linkready collect` or the collection
    /// script, or a folder of `*.inventory.json`; repeatable.
    #[arg(long = "inventory", value_name = "FILE|DIR")]
    pub inventories: Vec<PathBuf>,
    /// Servers read at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
    /// A secondary trailing by more than this many seconds is degraded
    /// (linkready's default: Microsoft's pages give no number).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub max_lag: u32,
    /// linkready.toml: `[rules.LR109] expiry_days` sets when an endpoint
    /// certificate counts as expiring (default: ./linkready.toml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// table, json, html or sarif, in any letter case (default: from
    /// --output's extension, else table).
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<StatusFormat>,
    /// Write the status to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
    Html,
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The error number or message (several words are joined; quote a
    /// pasted message or give it on standard input with `-`).
    #[arg(value_name = "CODE|TEXT")]
    pub text: Vec<String>,
    /// table or json, in any letter case.
    #[arg(long, value_enum, ignore_case = true, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier JSON report.
    #[arg(value_name = "OLD.json")]
    pub old: PathBuf,
    /// The later JSON report.
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,
    /// table, json or html, in any letter case (default: from --output's
    /// extension, else table).
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<DiffFormat>,
    /// Write the diff to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A new finding at or above this severity counts as worse (exit 1),
    /// as does any verdict or score that went down; `never`: only those.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Html,
}

/// What to assess: the inputs `scan` and `scripts` share.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Files or directories to scan (directories: every *.sql below them).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The database that scripts without USE belong to; also selects it for
    /// linking. Repeat to select several (the first is the default).
    #[arg(long = "database", value_name = "NAME")]
    pub databases: Vec<String>,
    /// Follow symbolic links inside directories (loops are detected).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// NAME=PATH: the scripts under PATH (a file, a folder or a glob,
    /// relative to the working directory) belong to the server NAME, as
    /// `[instances."NAME"] scripts = ["PATH"]` in linkready.toml does.
    /// Repeatable.
    #[arg(long = "instance-scripts", value_name = "NAME=PATH", value_parser = instance_scripts_argument)]
    pub instance_scripts: Vec<(String, String)>,
    /// A live server: an ADO.NET connection string (Server=host\instance,port;
    /// User Id=…; Encrypt=…; TrustServerCertificate=…) or host[\instance][,port].
    /// The password comes from SQLCMDPASSWORD or a prompt, never from here.
    #[arg(long = "server", value_name = "CONN")]
    pub servers: Vec<String>,
    /// A file of servers, one per line (`#` starts a comment).
    #[arg(long = "servers", value_name = "FILE")]
    pub server_files: Vec<PathBuf>,
    /// Servers assessed at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
    /// An offline inventory written by `linkready collect` or the collection
    /// script (repeatable). Directories given as PATH are also searched for
    /// `*.inventory.json`.
    #[arg(long = "inventory", value_name = "FILE")]
    pub inventories: Vec<PathBuf>,
    /// linkready.toml: the target managed instance, rule settings, scoring
    /// weights, suppressions, script choices (default: ./linkready.toml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The network test kit's output (sqlcmd -o of the scripts'
    /// `_instance/00-network-*.sql`), repeatable: a closed port is an LR319
    /// blocker; without it, LR319 says what to run.
    #[arg(long = "network-results", value_name = "FILE")]
    pub network_results: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format, in any letter case (default: from --output's
    /// extension, .json .sarif .csv .html .xlsx; else table).
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity, or when
    /// anything is unknown (an instance, a database, a fact a rule at or
    /// above it needs); `never` always exits 0 after a report.
    #[arg(long, value_enum, default_value_t = FailOn::Blocker)]
    pub fail_on: FailOn,
}

#[derive(Debug, clap::Args)]
pub struct ScriptsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The directory to write the scripts to: DIR/<instance>/<database>/ per
    /// database that can be linked, and DIR/README.md.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Emit New-AzSqlInstanceLink's parameters for Az.Sql before 6.0.0.
    #[arg(long)]
    pub azsql_legacy: bool,
    /// Replace DIR when it holds scripts linkready wrote before.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// One row per finding, UTF-8 with BOM (Excel).
    Csv,
    /// One row per database, every one (ready ones included), as CSV.
    CsvDatabases,
    /// One self-contained page (nothing from the network).
    Html,
    /// An Excel workbook: sheets Databases, Findings, Unknowns, Inputs.
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Blocker,
    Prerequisite,
    Warning,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Blocker => Some(Severity::Blocker),
            FailOn::Prerequisite => Some(Severity::Prerequisite),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        }
    }
}

/// Exit codes (README "Exit codes"): 0 nothing at or above `--fail-on` and
/// nothing unknown, 1 a finding at or above `--fail-on` or anything
/// unknown, 2 usage or input error (nothing to assess, an input that
/// cannot be read, a `--database` that matches nothing).
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    let color = cli.color;
    match cli.command {
        Command::Scan(args) => scan(args, color),
        Command::Scripts(args) => crate::scripts::run(args),
        Command::Collect(args) => collect(args),
        Command::Status(args) => status(args),
        Command::Diff(args) => diff(args),
        Command::Explain(args) => explain(args),
        Command::CollectScript { output, grant } => {
            let script = match grant {
                Some(login) => crate::collect::live::script::grant_script(&login)
                    .map_err(|why| anyhow::anyhow!("--grant: {why}"))?,
                None => collection_script(),
            };
            match output {
                Some(path) => std::fs::write(&path, script)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => write_stdout(&script)?,
            }
            Ok(EXIT_CLEAN)
        }
        Command::Rules => {
            let metas: Vec<_> = RULES.iter().map(|rule| rule.meta()).collect();
            write_stdout(&render_rule_list(&metas, stdout_width()))?;
            Ok(EXIT_CLEAN)
        }
        Command::Rule { id } => {
            let metas = find_rules(&id);
            if metas.is_empty() {
                let closest = closest_rule_names(&id);
                if closest.is_empty() {
                    bail!("no rule {id:?}: `linkready rules` lists them");
                }
                bail!("no rule {id:?}: did you mean {}?", closest.join(", "));
            }
            let pages: Vec<String> = metas.into_iter().map(rule_page).collect();
            write_stdout(&pages.join("\n"))?;
            Ok(EXIT_CLEAN)
        }
    }
}

/// Up to three rule IDs, names or Microsoft IDs close to `text`: those it
/// begins (four letters or more), then those within a small edit distance;
/// a Microsoft ID that is a rule's name written another way (FileStream)
/// is offered as the name.
fn closest_rule_names(text: &str) -> Vec<String> {
    let mut known: Vec<&str> = RULES
        .iter()
        .flat_map(|rule| [rule.meta().id, rule.meta().name])
        .collect();
    for alias in RULES.iter().flat_map(|rule| rule.meta().aliases.iter()) {
        if !known.iter().any(|name| name.eq_ignore_ascii_case(alias)) {
            known.push(alias);
        }
    }
    let mut closest: Vec<String> = known
        .iter()
        .filter(|name| {
            text.len() >= 4
                && name.len() > text.len()
                && name
                    .get(..text.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(text))
        })
        .take(3)
        .map(|name| name.to_string())
        .collect();
    closest.extend(crate::closest_names(text, &known));
    let mut seen = std::collections::HashSet::new();
    closest.retain(|name| seen.insert(name.to_ascii_lowercase()));
    closest.truncate(3);
    closest
}

/// `linkready rule ID`: a rule's heading, sources, Microsoft IDs and docs.
fn rule_page(meta: &RuleMeta) -> String {
    let mut text = format!(
        "{} {} ({}, {} scope)\n",
        meta.id,
        meta.name,
        meta.severity,
        meta.scope.as_str()
    );
    let sources: Vec<&str> = meta.sources.iter().map(|s| s.as_str()).collect();
    text.push_str(&format!("sources: {}\n", sources.join(", ")));
    if !meta.aliases.is_empty() {
        text.push_str(&format!(
            "Microsoft assessment IDs: {}\n",
            meta.aliases.join(", ")
        ));
    }
    text.push('\n');
    text.push_str(&meta.docs_markdown());
    let prevented = linkready_rules::link_errors::errors_prevented_by(meta.id);
    if !prevented.is_empty() {
        text.push_str("\n# Link errors it prevents\n");
        for error in prevented {
            text.push_str(&format!(
                "- {}: {} (linkready explain {})\n",
                error.code, error.title, error.code
            ));
        }
    }
    text
}

/// `--instance-scripts NAME=PATH`: split at the first `=` (a server name
/// holds none; a path may).
fn instance_scripts_argument(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.trim().is_empty() => {
            Ok((name.trim().to_string(), path.to_string()))
        }
        _ => Err("expected NAME=PATH (the server, then its scripts' folder, file or glob)".into()),
    }
}

/// The assessment request for the inputs, and the paths given that do not
/// exist (one bad input does not stop the run: the report lists it as not
/// assessed and the exit code is 2).
pub(crate) fn request(input: InputArgs) -> Result<(ScanRequest, Vec<String>)> {
    // Read first: a bad configuration stops before any server is contacted.
    let mut config = crate::config::load(input.config.as_deref(), crate::config::today())?;
    // What [target] from's JSON did not say: said, not guessed.
    for note in &config.notes {
        eprintln!(
            "linkready: warning: {}",
            linkready_reports::terminal_text(note)
        );
    }
    if !input.network_results.is_empty() {
        let mut tests = Vec::new();
        for path in &input.network_results {
            let shown = path.display().to_string();
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
            tests.extend(
                crate::network_results::read_results(&shown, bytes).map_err(anyhow::Error::msg)?,
            );
        }
        config.settings.network_tests = Some(tests);
    }
    let working_directory = std::env::current_dir().unwrap_or_default();
    for (name, path) in &input.instance_scripts {
        let paths = std::slice::from_ref(path);
        match config
            .instances
            .iter_mut()
            .find(|entry| entry.instance.eq_ignore_ascii_case(name))
        {
            Some(entry) => entry.patterns.extend(
                crate::collect::attribution::InstanceScripts::new(
                    name.clone(),
                    &working_directory,
                    paths,
                )
                .patterns,
            ),
            None => config
                .instances
                .push(crate::collect::attribution::InstanceScripts::new(
                    name.clone(),
                    &working_directory,
                    paths,
                )),
        }
    }
    let servers = server_specs(&input.servers, &input.server_files)?;
    // No path and no server: the current directory, as ripgrep does.
    let paths = if input.paths.is_empty() && servers.is_empty() && input.inventories.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        input.paths
    };
    let password = if servers.iter().any(|s| s.user.is_some()) {
        Some(password()?)
    } else {
        None
    };
    let missing: Vec<String> = paths
        .iter()
        .filter(|path| !path.exists())
        .map(|path| path.display().to_string())
        .collect();
    let request = ScanRequest {
        options: ScriptOptions {
            follow_symlinks: input.follow_symlinks,
            default_database: input.databases.first().cloned(),
        },
        databases: input.databases,
        paths,
        servers,
        password,
        live: input.timeouts.live_options(usize::from(input.jobs)),
        inventories: input.inventories,
        config,
    };
    Ok((request, missing))
}

/// Inputs the run could not use (inventories given with `--inventory` or
/// found under a folder alike, missing paths), reported on stderr; true
/// when there were any.
pub(crate) fn report_input_errors(report: &linkready_reports::Report, missing: &[String]) -> bool {
    let rejected: Vec<&str> = report
        .inventories
        .iter()
        .filter_map(|i| i.error.as_deref())
        .collect();
    for error in &rejected {
        eprintln!(
            "linkready: error: {}",
            linkready_reports::terminal_text(error)
        );
    }
    if !missing.is_empty() {
        eprintln!(
            "linkready: error: no such file or directory: {}",
            linkready_reports::terminal_text(&missing.join(", "))
        );
    }
    !rejected.is_empty() || !missing.is_empty()
}

/// Why the run has nothing to judge, if so: no script, no inventory and no
/// server (`nothing to assess in PATH`), or a `--database` that names no
/// database of any input (with the closest names).
pub(crate) fn check_inputs(
    request: &ScanRequest,
    estate: &linkready_rules::Estate,
    report: &linkready_reports::Report,
) -> Result<()> {
    if report.files.is_empty() && report.inventories.is_empty() && request.servers.is_empty() {
        let paths: Vec<String> = request
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        bail!(
            "nothing to assess in {}: no .sql file and no *.inventory.json (give --server or --inventory for servers)",
            paths.join(", ")
        );
    }
    let unmatched = crate::unmatched_databases(estate, &request.databases);
    if !unmatched.is_empty() {
        let described: Vec<String> = unmatched
            .iter()
            .map(|(name, closest)| match closest.as_slice() {
                [] => format!("{name:?}"),
                names => format!("{name:?} (did you mean {}?)", names.join(", ")),
            })
            .collect();
        bail!(
            "--database {}: no such database in the inputs",
            described.join(", ")
        );
    }
    Ok(())
}

/// Whether the run fails at `--fail-on`: a finding at or above it, an
/// unknown verdict anywhere, or a rule at or above it that could not
/// decide for lack of a fact (not for lack of the target's description).
pub(crate) fn fails(
    assessment: &linkready_rules::Assessment,
    config: &crate::config::Config,
    fail_on: FailOn,
) -> bool {
    let Some(threshold) = fail_on.threshold() else {
        return false;
    };
    let finding = assessment.findings.iter().any(|f| f.severity >= threshold);
    let unknown_verdict = assessment.instances.iter().any(|instance| {
        instance.verdict == linkready_rules::Verdict::Unknown
            || instance
                .databases
                .iter()
                .any(|db| db.verdict == linkready_rules::Verdict::Unknown)
    });
    let unknown_fact = assessment
        .unknowns
        .iter()
        .any(|u| !u.needs_target && config.severity(u.rule) >= threshold);
    finding || unknown_verdict || unknown_fact
}

/// The width for tables on standard output: the terminal's, or none (a
/// pipe or a file keeps each line whole, so grep finds it).
fn stdout_width() -> Option<u16> {
    let term = console::Term::stdout();
    if !term.is_term() {
        return None;
    }
    Some(
        term.size_checked()
            .map_or(linkready_reports::DEFAULT_WIDTH, |(_, columns)| columns)
            .max(40),
    )
}

/// The format `--output`'s extension names (any case); a name without a
/// known extension gets the table.
fn format_for_output(output: Option<&std::path::Path>) -> Format {
    match output_extension(output).as_deref() {
        Some("json") => Format::Json,
        Some("sarif") => Format::Sarif,
        Some("csv") => Format::Csv,
        Some("html" | "htm") => Format::Html,
        Some("xlsx") => Format::Xlsx,
        _ => Format::Table,
    }
}

/// A table for standard output fits the terminal; one written to a file
/// keeps its lines whole.
fn table_width(output: Option<&std::path::Path>) -> Option<u16> {
    match output {
        Some(_) => None,
        None => stdout_width(),
    }
}

/// Writes `text` to `--output`, saying so on standard error in one line
/// (`summary`), or to standard output.
fn write_output(
    output: Option<&std::path::Path>,
    text: &str,
    what: &str,
    summary: impl FnOnce() -> String,
) -> Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {what} to {}", path.display()))?;
            eprintln!(
                "linkready: wrote {}: {}",
                linkready_reports::terminal_text(&path.display().to_string()),
                summary()
            );
            Ok(())
        }
        None => write_stdout(text),
    }
}

/// The extension of `--output`'s file, lower case (`scan` and `diff` choose
/// their format by it when `--format` is absent).
fn output_extension(output: Option<&std::path::Path>) -> Option<String> {
    output
        .and_then(|path| path.extension())
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase())
}

/// `wrote report.html (html): 2 instances (1 not-ready, 1 unknown), 5
/// databases (3 ready, 2 not-ready), 4 findings (1 blocker)`.
fn written_summary(
    path: &std::path::Path,
    format: OutputFormat,
    report: &linkready_reports::Report,
) -> String {
    let estate = report.assessment.estate();
    let verdicts = |counts: &linkready_rules::VerdictCounts| {
        let parts: Vec<String> = counts
            .each()
            .iter()
            .filter(|(_, count)| *count > 0)
            .map(|(verdict, count)| format!("{count} {verdict}"))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    };
    let blockers = report
        .assessment
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker)
        .count();
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "linkready: wrote {} ({}): {}{}, {}{}, {} ({})",
        path.display(),
        format.as_str(),
        count(estate.instances.total(), "instance", "instances"),
        verdicts(&estate.instances),
        count(estate.databases.total(), "database", "databases"),
        verdicts(&estate.databases),
        count(report.assessment.findings.len(), "finding", "findings"),
        count(blockers, "blocker", "blockers"),
    )
}

fn scan(args: ScanArgs, color: ColorChoice) -> Result<u8> {
    let (request, missing) = request(args.input)?;
    let (estate, mut report) = crate::run_assessment(&request);
    report.context.assessed_at = Some(report_time());
    // Network results for a server this run did not assess: said, since
    // they judge nothing (a kit generated for another estate, a renamed server).
    for test in request.config.settings.network_tests.iter().flatten() {
        if !estate
            .instances
            .iter()
            .any(|instance| instance.name.eq_ignore_ascii_case(&test.instance))
        {
            eprintln!(
                "linkready: warning: {}: no instance named {:?} in this run's inputs",
                linkready_reports::terminal_text(&test.place),
                linkready_reports::terminal_text(&test.instance)
            );
        }
    }
    check_inputs(&request, &estate, &report)?;
    let format = match args.format {
        Some(format) => format,
        None => format_for_output(args.output.as_deref()),
    };
    let format = match format {
        Format::Table => OutputFormat::Table,
        Format::Json => OutputFormat::Json,
        Format::Sarif => OutputFormat::Sarif,
        Format::Csv => OutputFormat::Csv,
        Format::CsvDatabases => OutputFormat::CsvDatabases,
        Format::Html => OutputFormat::Html,
        Format::Xlsx => OutputFormat::Xlsx,
    };
    // A workbook is binary: a file, or a pipe that asked for it.
    if format == OutputFormat::Xlsx && args.output.is_none() && io::stdout().is_terminal() {
        bail!("--format xlsx writes a binary workbook: give --output FILE.xlsx (or redirect)");
    }
    // A table on a terminal fits it; in a pipe or a file, lines stay whole.
    let bytes = match format {
        OutputFormat::Table => linkready_reports::render_table_styled(
            &report,
            linkready_reports::TableStyle {
                width: table_width(args.output.as_deref()),
                // A file gets colour only when asked for by name.
                color: match args.output {
                    None => color.for_stdout(),
                    Some(_) => color == ColorChoice::Always,
                },
            },
        )
        .into_bytes(),
        _ => render(&report, format)?,
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, bytes)
                .with_context(|| format!("cannot write the report to {}", path.display()))?;
            // A report written to a file says so, in one line.
            eprintln!(
                "{}",
                linkready_reports::terminal_text(&written_summary(path, format, &report))
            );
        }
        None => write_stdout_bytes(&bytes)?,
    }
    // The report lists unusable inputs as not assessed; the exit code says
    // the run was not what was asked.
    if report_input_errors(&report, &missing) {
        return Ok(EXIT_ERROR);
    }
    Ok(
        if fails(&report.assessment, &request.config, args.fail_on) {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        },
    )
}

/// `linkready explain CODE|TEXT`.
fn explain(args: ExplainArgs) -> Result<u8> {
    use linkready_rules::link_errors::{LINK_ERRORS, LinkError, explain_text};
    let mut text = args.text.join(" ");
    if text.trim() == "-" {
        text.clear();
        io::Read::read_to_string(&mut io::stdin().lock(), &mut text)
            .context("cannot read the message from standard input")?;
    }
    let listing = text.trim().is_empty();
    let errors: Vec<&LinkError> = if listing {
        LINK_ERRORS.iter().collect()
    } else {
        explain_text(&text)
    };
    if errors.is_empty() {
        let codes: Vec<String> = LINK_ERRORS.iter().map(|e| e.code.to_string()).collect();
        bail!(
            "no link error in {:?}: linkready knows {} (linkready explain lists them)",
            text.chars().take(80).collect::<String>(),
            codes.join(", ")
        );
    }
    let rule_name = |id: &str| {
        linkready_rules::find_rule(id).map_or_else(|| id.to_string(), |rule| rule.name.to_string())
    };
    let output = match args.format {
        ExplainFormat::Json => {
            let matches: Vec<serde_json::Value> = errors
                .iter()
                .map(|error| {
                    serde_json::json!({
                        "code": error.code,
                        "title": error.title,
                        "message": error.message,
                        "meaning": error.meaning,
                        "check": error.check,
                        "fix": error.fix,
                        "rules": error.rules.iter().map(|id| serde_json::json!({"id": id, "name": rule_name(id)})).collect::<Vec<_>>(),
                        "named_by_link_docs": error.named_by_link_docs,
                        "sources": error.sources,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&serde_json::json!({
                "linkready_explain": 1,
                "matches": matches,
            }))
            .context("cannot write JSON")?;
            text.push('\n');
            text
        }
        ExplainFormat::Table if listing => {
            let mut out = String::from("Link errors linkready explains (linkready explain CODE):\n");
            for error in &errors {
                out.push_str(&format!("  {:>5}  {}\n", error.code, error.title));
            }
            out
        }
        ExplainFormat::Table => errors
            .iter()
            .map(|error| {
                let mut out = format!("Msg {}: {}\n", error.code, error.title);
                out.push_str(&format!("Message: {}\n", error.message));
                out.push_str(&format!("Means: {}\n", error.meaning));
                if !error.named_by_link_docs {
                    out.push_str("(not named by Microsoft's link pages: from SQL Server's error pages and tables)\n");
                }
                out.push_str("Check:\n");
                for item in error.check {
                    out.push_str(&format!("  - {item}\n"));
                }
                out.push_str("Fix:\n");
                for item in error.fix {
                    out.push_str(&format!("  - {item}\n"));
                }
                if !error.rules.is_empty() {
                    let rules: Vec<String> = error
                        .rules
                        .iter()
                        .map(|id| format!("{id} {}", rule_name(id)))
                        .collect();
                    out.push_str(&format!(
                        "Predicted by: {} (linkready rule {})\n",
                        rules.join(", "),
                        error.rules[0]
                    ));
                }
                out.push_str("Sources (MicrosoftDocs/sql-docs):\n");
                for source in error.sources {
                    out.push_str(&format!("  - {source}\n"));
                }
                out
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    write_stdout(&output)?;
    Ok(EXIT_CLEAN)
}

/// `linkready diff OLD.json NEW.json`.
fn diff(args: DiffArgs) -> Result<u8> {
    let read = |path: &std::path::Path| -> Result<serde_json::Value> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{}: not JSON (write the report with `linkready scan --format json`)",
                path.display()
            )
        })
    };
    let old = read(&args.old)?;
    let new = read(&args.new)?;
    let threshold = args.fail_on.threshold().map(Severity::as_str);
    let diff = linkready_reports::diff::diff_reports(
        &args.old.display().to_string(),
        &old,
        &args.new.display().to_string(),
        &new,
        threshold,
    )
    .map_err(|(path, why)| anyhow::anyhow!("{path}: {why}"))?;
    let format =
        args.format.unwrap_or_else(
            || match output_extension(args.output.as_deref()).as_deref() {
                Some("json") => DiffFormat::Json,
                Some("html" | "htm") => DiffFormat::Html,
                _ => DiffFormat::Table,
            },
        );
    let text = match format {
        DiffFormat::Table => {
            linkready_reports::diff::render_diff_table(&diff, table_width(args.output.as_deref()))
        }
        DiffFormat::Json => linkready_reports::diff::render_diff_json(&diff),
        DiffFormat::Html => linkready_reports::diff::render_diff_html(&diff),
    };
    write_output(args.output.as_deref(), &text, "the diff", || {
        linkready_reports::diff::diff_summary_line(&diff)
    })?;
    Ok(if diff.worse {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// `linkready status`.
fn status(args: StatusArgs) -> Result<u8> {
    use linkready_reports::status::{
        StatusReport, render_status_html, render_status_json, render_status_sarif,
        render_status_table, status_summary_line,
    };
    let config = crate::config::load(args.config.as_deref(), crate::config::today())?;
    let specs = server_specs(&args.servers, &args.server_files)?;
    if specs.is_empty() && args.inventories.is_empty() {
        bail!(
            "status: nothing to read: give --server CONN, --servers FILE or --inventory FILE|DIR"
        );
    }
    let mut inventory_paths = Vec::new();
    let mut input_errors = Vec::new();
    for path in &args.inventories {
        if path.is_dir() {
            let found = crate::collect::files::find_inventories(
                std::slice::from_ref(path),
                &crate::collect::files::ScriptOptions::default(),
            );
            if found.is_empty() {
                input_errors.push(format!(
                    "{}: no *.inventory.json in the folder",
                    path.display()
                ));
            }
            inventory_paths.extend(found);
        } else {
            inventory_paths.push(path.clone());
        }
    }
    let mut instances = Vec::new();
    if !specs.is_empty() {
        let password = if specs.iter().any(|spec| spec.user.is_some()) {
            Some(password()?)
        } else {
            None
        };
        let options = args.timeouts.live_options(usize::from(args.jobs));
        instances.extend(crate::collect::live::collect_servers(
            specs, password, &options,
        ));
    }
    for path in &inventory_paths {
        let (instance, input) = crate::inventory_instance(path);
        if let Some(error) = input.error {
            input_errors.push(error);
            continue;
        }
        instances.push(instance);
    }
    let policy = linkready_rules::link_status::StatusPolicy {
        max_lag_seconds: i64::from(args.max_lag),
        certificate_expiry_days: config.settings.certificate_expiry_days,
    };
    let statuses = linkready_rules::link_status::link_statuses(&instances, &policy);
    let report = StatusReport::new(report_time(), policy, statuses, input_errors);
    let format =
        args.format.unwrap_or_else(
            || match output_extension(args.output.as_deref()).as_deref() {
                Some("json") => StatusFormat::Json,
                Some("html" | "htm") => StatusFormat::Html,
                Some("sarif") => StatusFormat::Sarif,
                _ => StatusFormat::Table,
            },
        );
    let text = match format {
        StatusFormat::Table => render_status_table(&report, table_width(args.output.as_deref())),
        StatusFormat::Json => render_status_json(&report),
        StatusFormat::Html => render_status_html(&report),
        StatusFormat::Sarif => render_status_sarif(&report),
    };
    write_output(args.output.as_deref(), &text, "the status", || {
        status_summary_line(&report)
    })?;
    for error in &report.input_errors {
        eprintln!(
            "linkready: error: {}",
            linkready_reports::terminal_text(error)
        );
    }
    Ok(if !report.input_errors.is_empty() {
        EXIT_ERROR
    } else if report.needs_attention() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn collect(args: CollectArgs) -> Result<u8> {
    let specs = server_specs(&args.servers, &args.server_files)?;
    if specs.is_empty() {
        bail!("collect: no server: give --server CONN (repeatable) or --servers FILE");
    }
    let destination = match (&args.output, &args.out) {
        (Some(file), None) if specs.len() == 1 => Destination::File(file.clone()),
        (Some(_), None) => bail!(
            "--output names one file but {} servers were given: use --out DIR for one inventory per server",
            specs.len()
        ),
        (None, Some(dir)) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            Destination::Folder(dir.clone())
        }
        _ => bail!("collect: say where to write: --output FILE (one server) or --out DIR"),
    };
    let password = if specs.iter().any(|spec| spec.user.is_some()) {
        Some(password()?)
    } else {
        None
    };
    let options = args.timeouts.live_options(usize::from(args.jobs));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the network runtime")?;
    let raws = runtime.block_on(collect_raw(specs, password, options));
    let collected_at = utc_now();
    let mut failures = 0usize;
    let mut used_names = std::collections::HashSet::new();
    for raw in &raws {
        let path = match &destination {
            Destination::File(file) => file.clone(),
            Destination::Folder(dir) => dir.join(inventory_file_name(&raw.server, &mut used_names)),
        };
        let document = to_document(raw, collected_at.clone());
        let mut text =
            serde_json::to_string_pretty(&document).context("cannot write the inventory")?;
        text.push('\n');
        // Written even when nothing could be read: `scan` then reports the
        // server as not assessed, with the reason, instead of missing it.
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        let path_text = path.display().to_string();
        let shown = linkready_reports::terminal_text(&path_text);
        match &raw.error {
            Some(error) => {
                failures += 1;
                eprintln!(
                    "linkready: error: {}: not collected: {} (written to {shown} as not assessed)",
                    linkready_reports::terminal_text(&raw.server),
                    linkready_reports::terminal_text(error)
                );
            }
            None => {
                let failed = raw.results.iter().filter(|r| r.error.is_some()).count();
                eprintln!(
                    "linkready: wrote {shown} ({} queries, {failed} failed{})",
                    raw.results.len(),
                    if failed > 0 {
                        ": see their errors in the file"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    if failures > 0 {
        if raws.len() > 1 {
            eprintln!(
                "linkready: error: {failures} of {} servers not collected",
                raws.len()
            );
        }
        return Ok(EXIT_ERROR);
    }
    Ok(EXIT_CLEAN)
}

/// Where `collect` writes: one file, or one file per server in a folder.
enum Destination {
    File(PathBuf),
    Folder(PathBuf),
}

/// `<server>.inventory.json`, the server's name made a portable file name
/// (`sql01\prod,1433` becomes `sql01_prod,1433`); a second server with the same
/// file name gets `-2`, `-3`….
fn inventory_file_name(server: &str, used: &mut std::collections::HashSet<String>) -> String {
    let stem = linkready_reports::setup::quote::path_component(server);
    let mut name = format!("{stem}.inventory.json");
    let mut n = 2;
    while !used.insert(name.to_lowercase()) {
        name = format!("{stem}-{n}.inventory.json");
        n += 1;
    }
    name
}

/// The report's date: now, or SOURCE_DATE_EPOCH (seconds since 1970, the
/// reproducible-builds convention) when set, so two runs over the same
/// inputs can give byte-identical reports.
fn report_time() -> String {
    match std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
    {
        Some(seconds) => utc_time(seconds),
        None => utc_now(),
    }
}

/// Now, in UTC, as ISO 8601 (`2026-11-27T13:04:25Z`).
fn utc_now() -> String {
    utc_time(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

/// Seconds since 1970 in UTC, as ISO 8601.
fn utc_time(seconds: u64) -> String {
    let rest = seconds % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::config::civil_from_days(i64::try_from(seconds / 86_400).unwrap_or(0)),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The servers of `--server` and `--servers FILE`, in that order.
fn server_specs(servers: &[String], files: &[PathBuf]) -> Result<Vec<ServerSpec>> {
    let mut specs = Vec::new();
    for server in servers {
        specs.push(parse_server(server)?);
    }
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the server list {}", file.display()))?;
        for (line, spec) in parse_server_list(&text) {
            specs.push(spec.with_context(|| format!("{}:{line}", file.display()))?);
        }
    }
    Ok(specs)
}

/// The SQL authentication password: `SQLCMDPASSWORD` (as sqlcmd reads it),
/// or a prompt without echo when standard input is a terminal.
fn password() -> Result<String> {
    if let Ok(password) = std::env::var("SQLCMDPASSWORD") {
        return Ok(password);
    }
    if !io::stdin().is_terminal() {
        bail!(
            "a server needs a password: set SQLCMDPASSWORD (standard input is not a terminal to prompt on)"
        );
    }
    rpassword::prompt_password("Password for the SQL logins: ").context("cannot read the password")
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<()> {
    write_stdout_bytes(text.as_bytes())
}

fn write_stdout_bytes(bytes: &[u8]) -> Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            Err(error).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}
