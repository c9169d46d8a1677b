//! The command line: `linkready scan`, `linkready rules`, `linkready rule ID`.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use linkready_reports::{OutputFormat, render, render_rule_list};
use linkready_rules::{RULES, Severity, find_rule};

use crate::collect::files::ScriptOptions;
use crate::{ScanRequest, run_scan};

/// Tells whether SQL Server databases can be linked to Azure SQL Managed
/// Instance, what blocks them, and what to fix.
#[derive(Debug, Parser)]
#[command(name = "linkready", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan T-SQL script files and directories for what blocks the link.
    Scan(ScanArgs),
    /// List the rule catalog.
    Rules,
    /// Show one rule's documentation (by ID or name, e.g. LR202 or filestream).
    Rule {
        /// The rule ID or name.
        id: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or directories to scan (directories: every *.sql below them).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Blocker)]
    pub fail_on: FailOn,
    /// The database that scripts without USE belong to; also selects it for
    /// linking. Repeat to select several (the first is the default).
    #[arg(long = "database", value_name = "NAME")]
    pub databases: Vec<String>,
    /// Follow symbolic links inside directories (loops are detected).
    #[arg(long)]
    pub follow_symlinks: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
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

/// Exit codes: 0 nothing at or above `--fail-on`, 1 something is, 2 usage or
/// run error.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => scan(args),
        Command::Rules => {
            let metas: Vec<_> = RULES.iter().map(|rule| rule.meta()).collect();
            write_stdout(&render_rule_list(&metas))?;
            Ok(EXIT_CLEAN)
        }
        Command::Rule { id } => {
            let Some(meta) = find_rule(&id) else {
                bail!("no rule {id:?}; `linkready rules` lists them");
            };
            let mut text = format!(
                "{} {} ({}, {} scope)\n",
                meta.id,
                meta.name,
                meta.severity,
                match meta.scope {
                    linkready_rules::Scope::Instance => "instance",
                    linkready_rules::Scope::Database => "database",
                }
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
            write_stdout(&text)?;
            Ok(EXIT_CLEAN)
        }
    }
}

fn scan(args: ScanArgs) -> Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let missing: Vec<String> = paths
        .iter()
        .filter(|path| !path.exists())
        .map(|path| path.display().to_string())
        .collect();
    let request = ScanRequest {
        options: ScriptOptions {
            follow_symlinks: args.follow_symlinks,
            default_database: args.databases.first().cloned(),
        },
        databases: args.databases,
        paths,
    };
    let report = run_scan(&request);
    let format = match args.format {
        Format::Table => OutputFormat::Table,
        Format::Json => OutputFormat::Json,
    };
    let text = render(&report, format);
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => write_stdout(&text)?,
    }
    if !missing.is_empty() {
        // The report lists them; the exit code says the run was not what was asked.
        eprintln!(
            "linkready: no such file or directory: {}",
            missing.join(", ")
        );
        return Ok(EXIT_ERROR);
    }
    let failing = args.fail_on.threshold().is_some_and(|threshold| {
        report
            .assessment
            .findings
            .iter()
            .any(|f| f.severity >= threshold)
    });
    Ok(if failing { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            Err(error).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}
