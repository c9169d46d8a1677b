//! Terminal tables: as wide as the terminal, or as their content in a pipe
//! or a file (lines stay whole for grep); colour only when asked (the CLI
//! decides: a terminal, `--color`, NO_COLOR), so a pipe or a log reads the
//! same plain text.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table};
use linkready_rules::{
    EstateSummary, Origin, RuleMeta, Severity, SeverityCounts, Verdict, VerdictCounts,
};

use crate::model::{FileStatus, Report};
use crate::outlook::{Outlook, outlooks};
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

/// How the terminal report is laid out.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableStyle {
    /// Columns available, or None: as wide as the content.
    pub width: Option<u16>,
    /// ANSI colour for verdicts and severities.
    pub color: bool,
}

/// The scan report `width` columns wide, or unbounded (None), no colour.
pub fn render_table_width(report: &Report, width: Option<u16>) -> String {
    render_table_styled(
        report,
        TableStyle {
            width,
            color: false,
        },
    )
}

/// A verdict as the summary shows it: a symbol that reads without colour,
/// then the word people search for.
fn verdict_text(verdict: Verdict) -> String {
    let symbol = match verdict {
        Verdict::Ready => "✓",
        Verdict::ReadyWithConditions => "!",
        Verdict::Unknown => "?",
        Verdict::NotReady => "✗",
    };
    format!("{symbol} {verdict}")
}

fn verdict_color(verdict: Verdict) -> Color {
    match verdict {
        Verdict::Ready => Color::Green,
        Verdict::ReadyWithConditions => Color::Yellow,
        Verdict::Unknown => Color::Magenta,
        Verdict::NotReady => Color::Red,
    }
}

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Blocker => Color::Red,
        Severity::Prerequisite => Color::Yellow,
        Severity::Warning => Color::DarkYellow,
        Severity::Info => Color::Cyan,
    }
}

/// A cell in `color` when colour is on.
fn colored(text: String, color: Option<Color>) -> Cell {
    match color {
        Some(color) => Cell::new(text).fg(color),
        None => Cell::new(text),
    }
}

/// Prose shortened for the one-line summary (the details below and every
/// other format keep it whole); names and IDs are never cut.
fn short(text: &str) -> String {
    cut_to(text, 72, true)
}

/// One line of the summary: its six cells and the verdict that colours it.
struct SummaryRow {
    cells: [String; 6],
    verdict: Verdict,
}

/// Text cut to `chars` characters, ending in `…` when cut; at the last
/// space of the second half when `at_word`.
fn cut_to(text: &str, chars: usize, at_word: bool) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(chars.saturating_sub(1)).collect();
    if let Some(space) = cut.rfind(' ').filter(|&space| at_word && space > chars / 2) {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

/// What decides a database's verdict most, or its next step when ready.
fn database_cause(db: &linkready_rules::DatabaseAssessment, outlook: &Outlook) -> String {
    if let Some(cause) = db.inherited.first() {
        let outcome = if cause.unknown {
            "unknown"
        } else {
            cause.severity.as_str()
        };
        let more = match db.inherited.len() - 1 {
            0 => String::new(),
            n => format!(" (+{n} more)"),
        };
        return format!(
            "{} {outcome} on the instance: {}{more}",
            cause.rule.id,
            short(&cause.message)
        );
    }
    match (db.verdict, outlook.top_finding, outlook.unknowns.first()) {
        (Verdict::Ready, _, _) => "next: linkready scripts".to_string(),
        (Verdict::Unknown, _, Some(unknown)) => {
            format!("{} unknown: {}", unknown.rule.id, short(&unknown.reason))
        }
        (_, Some(finding), _) => format!(
            "{} {}: {}",
            finding.rule.id,
            finding.severity.as_str(),
            short(&finding.message)
        ),
        (_, None, Some(unknown)) => {
            format!("{} unknown: {}", unknown.rule.id, short(&unknown.reason))
        }
        (_, None, None) => String::new(),
    }
}

/// Why an instance has its verdict: what could not be read, its most
/// severe finding, or that scripts carry no instance facts.
fn instance_cause(instance: &linkready_rules::InstanceAssessment, outlook: &Outlook) -> String {
    if let Some(error) = instance.errors.first() {
        return format!("not assessed: {}", short(error));
    }
    // An instance is as good as its worst database: when its own findings
    // do not explain its verdict, the databases that give it do.
    let own = outlook.top_finding.map(|finding| finding.severity);
    let explained = match instance.verdict {
        Verdict::NotReady => matches!(own, Some(Severity::Blocker | Severity::Prerequisite)),
        Verdict::Unknown => !outlook.unknowns.is_empty(),
        Verdict::ReadyWithConditions => own.is_some_and(|s| s != Severity::Info),
        Verdict::Ready => true,
    };
    let giving: Vec<&str> = instance
        .databases
        .iter()
        .filter(|db| db.verdict == instance.verdict)
        .map(|db| db.name.as_str())
        .collect();
    if !explained && !giving.is_empty() {
        let shown: Vec<&str> = giving.iter().take(3).copied().collect();
        return format!(
            "{} of its databases {}: {}{}{}",
            giving.len(),
            instance.verdict.as_str(),
            shown.join(", "),
            if giving.len() > shown.len() {
                ", …"
            } else {
                ""
            },
            if instance.prerequisites_assessed() {
                ""
            } else {
                "; prerequisites not assessed: scripts carry no instance facts"
            }
        );
    }
    if let Some(finding) = outlook.top_finding {
        return format!(
            "{} {}: {}",
            finding.rule.id,
            finding.severity.as_str(),
            short(&finding.message)
        );
    }
    if let Some(unknown) = outlook.unknowns.first() {
        return format!("{} unknown: {}", unknown.rule.id, short(&unknown.reason));
    }
    if !instance.prerequisites_assessed() {
        return "prerequisites not assessed: scripts carry no instance facts".to_string();
    }
    String::new()
}

/// The scan report laid out as `style` says: one line per database (and
/// one per instance) with its verdict and what decides it, a legend, then
/// the findings grouped by database, then what could not be assessed.
pub fn render_table_styled(report: &Report, style: TableStyle) -> String {
    let width = style.width;
    let assessment = &report.assessment;
    let mut out = String::new();
    let outlooks = outlooks(assessment);
    let nothing = Outlook::default();

    let mut databases = new_table(
        width,
        &[
            "Instance",
            "Database",
            "Verdict",
            "Score",
            "B/P/W/I",
            "Top cause or next step",
        ],
    );
    let mut rows: Vec<SummaryRow> = Vec::new();
    for instance in &assessment.instances {
        for db in &instance.databases {
            let outlook = outlooks
                .get(&(instance.name.as_str(), Some(db.name.as_str())))
                .unwrap_or(&nothing);
            rows.push(SummaryRow {
                cells: [
                    safe(&instance.name),
                    safe(&db.name),
                    verdict_text(db.verdict),
                    score_cell(db.score),
                    counts_cell(&db.counts),
                    safe(&database_cause(db, outlook)),
                ],
                verdict: db.verdict,
            });
        }
        let outlook = outlooks
            .get(&(instance.name.as_str(), None))
            .unwrap_or(&nothing);
        rows.push(SummaryRow {
            cells: [
                safe(&instance.name),
                "(instance)".to_string(),
                verdict_text(instance.verdict),
                score_cell(instance.score),
                String::new(),
                safe(&instance_cause(instance, outlook)),
            ],
            verdict: instance.verdict,
        });
    }
    // One line per database on a terminal: the cause is cut to the room
    // the other columns leave (its whole text is in the details below),
    // unless that room is too small to say anything.
    let headers = ["Instance", "Database", "Verdict", "Score", "B/P/W/I"];
    let room = width.and_then(|width| {
        let used: usize = headers
            .iter()
            .enumerate()
            .map(|(column, header)| {
                rows.iter()
                    .map(|row| row.cells[column].chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(header.chars().count())
            })
            .sum::<usize>()
            // Seven rules, and a space either side of six cells.
            + 7
            + 12;
        usize::from(width)
            .checked_sub(used)
            .filter(|room| *room >= 24)
    });
    for row in rows {
        let [instance, database, verdict, score, counts, cause] = row.cells;
        let cause = match room {
            Some(room) => cut_to(&cause, room, false),
            None => cause,
        };
        databases.add_row(vec![
            Cell::new(instance),
            Cell::new(database),
            colored(verdict, style.color.then(|| verdict_color(row.verdict))),
            Cell::new(score),
            Cell::new(counts),
            Cell::new(cause),
        ]);
    }
    // Names and verdicts are what people search for: never broken.
    for column in 0..4 {
        if let Some(column) = databases.column_mut(column) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    if style.color {
        // crossterm, which writes the codes, honours NO_COLOR on its own
        // (writing empty codes); the CLI has already weighed NO_COLOR
        // against --color, so its decision stands.
        crossterm::style::Colored::set_ansi_color_disabled(false);
        databases.enforce_styling();
    }
    out.push_str(&databases.to_string());
    out.push('\n');
    out.push_str(&legend(report, width));

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
            let mut table = new_table(width, &["Severity", "Rule", "Finding and where"]);
            for column in 0..2 {
                if let Some(column) = table.column_mut(column) {
                    column.set_constraint(ColumnConstraint::ContentWidth);
                }
            }
            if style.color {
                table.enforce_styling();
            }
            findings = Some(table);
        }
        if let Some(table) = findings.as_mut() {
            table.add_row(vec![
                colored(
                    finding.severity.to_string(),
                    style.color.then(|| severity_color(finding.severity)),
                ),
                Cell::new(format!("{}\n{}", finding.rule.id, finding.rule.name)),
                Cell::new(match finding.rule.aliases {
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
                }),
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

/// Under the summary: what the symbols and columns mean, the checks that
/// wait for the target's description, and where a rule's documentation is.
fn legend(report: &Report, width: Option<u16>) -> String {
    let assessment = &report.assessment;
    let mut out = wrap(
        width,
        "Verdict: ✓ ready, ! ready-with-conditions, ? unknown (a check could not decide), ✗ not-ready. \
         Score: 0-100. B/P/W/I: the database's own blocker, prerequisite, warning and info findings.",
        "",
    );
    for (needs, what) in [
        (linkready_rules::Needs::Target, "[target] in linkready.toml"),
        (
            linkready_rules::Needs::NetworkResults,
            "the network test kit's results (--network-results)",
        ),
    ] {
        let mut waiting: Vec<&str> = assessment
            .unknowns
            .iter()
            .filter(|unknown| unknown.needs == Some(needs))
            .map(|unknown| unknown.rule.id)
            .collect();
        waiting.sort_unstable();
        waiting.dedup();
        if !waiting.is_empty() {
            out.push_str(&wrap(
                width,
                &format!(
                    "{} {} {what} to decide ({}); verdicts do not count them.",
                    waiting.len(),
                    if waiting.len() == 1 {
                        "check needs"
                    } else {
                        "checks need"
                    },
                    waiting.join(", ")
                ),
                "",
            ));
        }
    }
    // The first of the most severe findings, as the summary lists them
    // (max_by_key keeps the last of equals: the first, reversed).
    let example = assessment
        .findings
        .iter()
        .rev()
        .max_by_key(|finding| finding.severity)
        .map_or("LR202", |finding| finding.rule.id);
    out.push_str(&wrap(
        width,
        &format!("A rule's documentation and fix: linkready rule {example}"),
        "",
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
