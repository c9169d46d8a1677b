//! Terminal tables that fit 80 columns; plain text, no colour, so they read
//! the same in a terminal, a pipe or a log.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table};
use linkready_rules::{EstateSummary, Origin, RuleMeta, SeverityCounts, VerdictCounts};

use crate::model::{FileStatus, Report};
use crate::terminal_text;

/// The longest word a cell shows: comfy-table's splitting of one long
/// unbroken word grows faster than linearly (a 1 MB name took over a
/// minute); the whole value stays in JSON, CSV, SARIF and HTML.
const MAX_WORD_CHARS: usize = 200;

/// Untrusted text for a cell or a line of the table: visible escapes for
/// control characters, and no word longer than `MAX_WORD_CHARS`.
pub(crate) fn safe(text: &str) -> String {
    let text = terminal_text(text);
    if text.len() <= MAX_WORD_CHARS {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len().min(4096));
    let mut run = 0usize;
    let mut cut = false;
    for c in text.chars() {
        if c.is_whitespace() {
            run = 0;
            cut = false;
            out.push(c);
        } else if run < MAX_WORD_CHARS {
            run += 1;
            out.push(c);
        } else if !cut {
            cut = true;
            out.push('…');
        }
    }
    out
}

/// The width of `render_table` and `render_rule_list`: what a terminal
/// without a known width gets.
pub const DEFAULT_WIDTH: u16 = 80;

/// A table `width` columns wide, or as wide as its content when None (a
/// pipe or a file: lines stay whole for grep).
pub(crate) fn new_table(width: Option<u16>, header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(header.iter().copied());
    match width {
        Some(width) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table
}

fn counts_cell(counts: &SeverityCounts) -> String {
    format!(
        "{}/{}/{}/{}",
        counts.blocker, counts.prerequisite, counts.warning, counts.info
    )
}

fn score_cell(score: Option<u8>) -> String {
    score.map_or_else(|| "-".to_string(), |score| score.to_string())
}

/// The scan report: databases with verdicts, findings per database, then
/// what could not be assessed.
pub fn render_table(report: &Report) -> String {
    render_table_width(report, Some(DEFAULT_WIDTH))
}

/// The scan report `width` columns wide, or unbounded (None).
pub fn render_table_width(report: &Report, width: Option<u16>) -> String {
    let assessment = &report.assessment;
    let mut out = String::new();

    let mut databases = new_table(
        width,
        &[
            "Instance",
            "Database",
            "Verdict",
            "Score",
            "B/P/W/I",
            "From the instance",
        ],
    );
    for instance in &assessment.instances {
        for db in &instance.databases {
            let inherited: Vec<String> = db
                .inherited
                .iter()
                .map(|cause| {
                    let outcome = if cause.unknown {
                        "unknown"
                    } else {
                        cause.severity.as_str()
                    };
                    format!("{} {outcome}", cause.rule.id)
                })
                .collect();
            databases.add_row(vec![
                safe(&instance.name),
                safe(&db.name),
                db.verdict.to_string(),
                score_cell(db.score),
                counts_cell(&db.counts),
                inherited.join(", "),
            ]);
        }
        databases.add_row(vec![
            safe(&instance.name),
            "(instance)".to_string(),
            instance.verdict.to_string(),
            score_cell(instance.score),
            String::new(),
            if instance.prerequisites_assessed() {
                String::new()
            } else {
                "prerequisites not assessed (scripts)".to_string()
            },
        ]);
    }
    out.push_str(&databases.to_string());
    out.push('\n');

    let mut current: Option<(&str, Option<&str>)> = None;
    let mut findings: Option<Table> = None;
    for finding in &assessment.findings {
        let key = (finding.instance.as_str(), finding.database.as_deref());
        if current != Some(key) {
            if let Some(table) = findings.take() {
                out.push_str(&table.to_string());
                out.push('\n');
            }
            out.push_str(&format!(
                "\nFindings for {} / {}\n",
                safe(&finding.instance),
                safe(finding.database.as_deref().unwrap_or("(no database)"))
            ));
            current = Some(key);
            findings = Some(new_table(width, &["Severity", "Rule", "Finding and where"]));
        }
        if let Some(table) = findings.as_mut() {
            table.add_row(vec![
                finding.severity.to_string(),
                format!("{}\n{}", finding.rule.id, finding.rule.name),
                match finding.rule.aliases {
                    [] => format!(
                        "{}\n{}",
                        safe(&finding.message),
                        safe(&location(&finding.origin))
                    ),
                    aliases => format!(
                        "{}\n{}\nMicrosoft: {}",
                        safe(&finding.message),
                        safe(&location(&finding.origin)),
                        aliases.join(", ")
                    ),
                },
            ]);
        }
    }
    if let Some(table) = findings {
        out.push_str(&table.to_string());
        out.push('\n');
    }

    for instance in &assessment.instances {
        if !instance.errors.is_empty() {
            out.push_str(&format!("\nNot assessed on {}:\n", safe(&instance.name)));
            for error in &instance.errors {
                out.push_str(&wrap(width, &safe(&format!("- {error}")), "  "));
            }
        }
    }

    if !assessment.unused_suppressions.is_empty() {
        out.push_str("\nUnused suppressions (no such finding there):\n");
        for suppression in &assessment.unused_suppressions {
            out.push_str(&wrap(
                width,
                &format!(
                    "- {} at {}:{}:{}",
                    safe(&suppression.rule),
                    safe(&suppression.path),
                    suppression.line,
                    suppression.column
                ),
                "  ",
            ));
        }
    }

    if !assessment.config_suppressions.is_empty() {
        out.push_str("\nSuppressions in linkready.toml:\n");
        for used in &assessment.config_suppressions {
            let entry = &used.entry;
            let state = match (&entry.expires, entry.expired) {
                (Some(date), true) => format!(
                    "EXPIRED {date}, no longer suppresses (it would match {} finding(s))",
                    used.matched
                ),
                (Some(date), false) => format!("{} suppressed, until {date}", used.matched),
                (None, _) => format!("{} suppressed", used.matched),
            };
            out.push_str(&wrap(
                width,
                &format!(
                    "- {} at {}: {} — {state}",
                    safe(&entry.rule),
                    safe(&entry.place),
                    safe(&entry.reason)
                ),
                "  ",
            ));
        }
    }

    // Text a file holds that the scanner did not take (a statement over
    // 16 MB without a boundary, dynamic SQL nested too deep): listed here,
    // not only in the JSON, since its facts are missing from the verdicts.
    let unscanned: Vec<&String> = report
        .files
        .iter()
        .flat_map(|file| &file.warnings)
        .filter(|warning| warning.contains(" was not scanned"))
        .collect();
    if !unscanned.is_empty() {
        out.push_str("\nNot scanned (the rest of each file was):\n");
        for warning in unscanned {
            out.push_str(&wrap(width, &format!("- {}", safe(warning)), "  "));
        }
    }

    out.push_str(&estate_section(&assessment.estate(), width));

    let scanned = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Scanned)
        .count();
    let failed = report.files.len() - scanned;
    let mut totals = SeverityCounts::default();
    for finding in &assessment.findings {
        totals.add(finding.severity);
    }
    out.push_str(&format!(
        "\n{scanned} files scanned, {failed} not readable.\n{} findings: {} blocker, {} prerequisite, {} warning, {} info; {} suppressed.\n",
        assessment.findings.len(),
        totals.blocker,
        totals.prerequisite,
        totals.warning,
        totals.info,
        assessment.suppressed.len()
    ));
    out
}

fn verdict_counts(counts: &VerdictCounts) -> String {
    counts
        .each()
        .iter()
        .map(|(verdict, count)| format!("{count} {verdict}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The roll-up: verdict counts, the five most common blockers, and the
/// instances not assessed.
fn estate_section(estate: &EstateSummary, width: Option<u16>) -> String {
    let mut out = String::from(
        "
Estate
",
    );
    out.push_str(&wrap(
        width,
        &format!(
            "instances ({}): {}",
            estate.instances.total(),
            verdict_counts(&estate.instances)
        ),
        "  ",
    ));
    out.push_str(&wrap(
        width,
        &format!(
            "databases ({}): {}",
            estate.databases.total(),
            verdict_counts(&estate.databases)
        ),
        "  ",
    ));
    if !estate.blockers.is_empty() {
        out.push_str(
            "  most common blockers:
",
        );
        for blocker in estate.blockers.iter().take(5) {
            out.push_str(&wrap(
                width,
                &format!(
                    "- {} {}: {} place(s), {} finding(s)",
                    blocker.rule.id, blocker.rule.name, blocker.places, blocker.findings
                ),
                "    ",
            ));
        }
    }
    for not_assessed in &estate.not_assessed {
        out.push_str(&wrap(
            width,
            &format!(
                "not assessed: {}: {}",
                safe(&not_assessed.instance),
                safe(&not_assessed.reasons.join("; "))
            ),
            "  ",
        ));
    }
    out
}

/// Wraps text at word boundaries to fit the width, indenting every line.
fn wrap(width: Option<u16>, text: &str, indent: &str) -> String {
    let Some(width) = width else {
        return format!("{indent}{text}\n");
    };
    let width = usize::from(width).saturating_sub(indent.len()).max(20);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line = format!("  {word}");
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn location(origin: &Origin) -> String {
    match origin {
        Origin::Script {
            path,
            line,
            column,
            dynamic,
        } => {
            let dynamic = if *dynamic { " (dynamic SQL)" } else { "" };
            format!("{path}:{line}:{column}{dynamic}")
        }
        Origin::Live {
            server,
            database,
            object,
        }
        | Origin::Inventory {
            server,
            database,
            object,
        } => match database {
            Some(database) => format!("{server}/{database}: {object}"),
            None => format!("{server}: {object}"),
        },
        Origin::Selection { argument, .. } => argument.clone(),
    }
}

/// `linkready rules`: the catalog, one rule a row.
pub fn render_rule_list(rules: &[&RuleMeta], width: Option<u16>) -> String {
    let mut table = new_table(
        width,
        &["ID", "Name", "Severity", "Summary", "Microsoft IDs"],
    );
    for rule in rules {
        table.add_row(vec![
            rule.id.to_string(),
            rule.name.to_string(),
            rule.severity.to_string(),
            rule.summary.to_string(),
            rule.aliases.join(" "),
        ]);
    }
    // IDs, names and severities are what people type and grep for: never
    // broken across lines; the summary and the Microsoft IDs (one per
    // line when they must wrap) take the rest.
    for column in 0..3 {
        if let Some(column) = table.column_mut(column) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    table.to_string() + "\n"
}
