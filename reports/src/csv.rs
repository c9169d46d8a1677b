//! CSV: one row per finding, for spreadsheets.
//!
//! Excel opens it cleanly: UTF-8 with a byte order mark (without it Excel
//! reads Windows-1252), CRLF line ends, every field quoted with `"` doubled,
//! one header row. A field that starts with `=`, `+`, `-`, `@`, tab,
//! carriage return or line feed gets a leading `'` so Excel shows it as text instead of
//! evaluating it (object names and messages come from customers' servers).

use std::collections::BTreeMap;

use crate::model::Report;
use crate::outlook::{Outlook, next_action, outlooks, top_cause};

/// The columns, in order (documented in the README).
pub const CSV_COLUMNS: [&str; 16] = [
    "rule",
    "name",
    "severity",
    "instance",
    "database",
    "object",
    "message",
    "origin",
    "path",
    "line",
    "column",
    "dynamic",
    "aliases",
    "suppressed",
    "database_verdict",
    "database_inherited",
];

fn push_field(row: &mut String, value: &str) {
    if !row.is_empty() {
        row.push(',');
    }
    row.push('"');
    if value.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        row.push('\'');
    }
    row.push_str(&value.replace('"', "\"\""));
    row.push('"');
}

fn push_row(out: &mut String, fields: &[&str]) {
    let mut row = String::new();
    for field in fields {
        push_field(&mut row, field);
    }
    out.push_str(&row);
    out.push_str("\r\n");
}

/// Renders the findings (then the suppressed ones) as CSV with a BOM.
pub fn render_csv(report: &Report) -> String {
    let mut out = String::from("\u{feff}");
    push_row(&mut out, &CSV_COLUMNS);
    for row in finding_rows(report) {
        push_row(&mut out, &row.each_ref().map(String::as_str));
    }
    out
}

/// The findings (then the suppressed ones), one row of [`CSV_COLUMNS`]
/// each: the CSV's and the workbook's Findings sheet.
pub(crate) fn finding_rows(report: &Report) -> Vec<[String; 16]> {
    let mut out = Vec::new();
    let assessment = &report.assessment;
    // Each database's verdict by (instance, database), for every row.
    // and the instance outcomes it inherits ("LR102 blocker: …; …").
    let verdicts: BTreeMap<(&str, &str), (&str, String)> = assessment
        .instances
        .iter()
        .flat_map(|instance| {
            instance.databases.iter().map(|db| {
                let inherited: Vec<String> =
                    db.inherited.iter().map(|cause| cause.describe()).collect();
                (
                    (instance.name.as_str(), db.name.as_str()),
                    (db.verdict.as_str(), inherited.join("; ")),
                )
            })
        })
        .collect();
    let rows = assessment
        .findings
        .iter()
        .map(|finding| (finding, false))
        .chain(assessment.suppressed.iter().map(|finding| (finding, true)));
    for (finding, suppressed) in rows {
        let (path, line, column) = finding.origin.script_position().map_or(
            ("", String::new(), String::new()),
            |(path, line, column)| (path, line.to_string(), column.to_string()),
        );
        let dynamic = finding.origin.is_dynamic();
        let aliases = finding.rule.aliases.join(" ");
        let database = finding
            .database
            .as_deref()
            .and_then(|db| verdicts.get(&(finding.instance.as_str(), db)));
        out.push(
            [
                finding.rule.id,
                finding.rule.name,
                finding.severity.as_str(),
                &finding.instance,
                finding.database.as_deref().unwrap_or(""),
                finding.object.as_deref().unwrap_or(""),
                &finding.message,
                finding.origin.source().as_str(),
                path,
                &line,
                &column,
                if dynamic { "true" } else { "false" },
                &aliases,
                if suppressed {
                    finding.suppressed_by.as_deref().unwrap_or("suppressed")
                } else {
                    ""
                },
                database.map_or("", |(verdict, _)| verdict),
                database.map_or("", |(_, inherited)| inherited.as_str()),
            ]
            .map(str::to_string),
        );
    }
    out
}

/// The columns of the database table (`--format csv-databases`).
pub const CSV_DATABASE_COLUMNS: [&str; 11] = [
    "instance",
    "database",
    "verdict",
    "score",
    "blockers",
    "prerequisites",
    "warnings",
    "infos",
    "unknowns",
    "top_cause",
    "next_action",
];

/// One row per database of every instance, ready ones included (the
/// findings table leaves out a database with nothing to say): its verdict,
/// score and counts, what decides the verdict most (an inherited instance
/// outcome, else its most severe finding, else what could not be read) and
/// the next step.
pub fn render_csv_databases(report: &Report) -> String {
    let mut out = String::from("\u{feff}");
    push_row(&mut out, &CSV_DATABASE_COLUMNS);
    for row in database_rows(report) {
        push_row(&mut out, &row.each_ref().map(String::as_str));
    }
    out
}

/// Every database of every instance, one row of [`CSV_DATABASE_COLUMNS`]
/// each: `--format csv-databases` and the workbook's Databases sheet.
pub(crate) fn database_rows(report: &Report) -> Vec<[String; 11]> {
    let mut out = Vec::new();
    let assessment = &report.assessment;
    let outlooks = outlooks(assessment);
    let nothing = Outlook::default();
    for instance in &assessment.instances {
        for database in &instance.databases {
            let outlook = outlooks
                .get(&(instance.name.as_str(), Some(database.name.as_str())))
                .unwrap_or(&nothing);
            let top_finding = outlook.top_finding;
            let top_cause = top_cause(database, outlook);
            let rule_of_top = database
                .inherited
                .first()
                .map(|cause| cause.rule.id)
                .or(top_finding.map(|f| f.rule.id));
            let next_action = next_action(database.verdict, rule_of_top);
            let score = database.score.map(|s| s.to_string()).unwrap_or_default();
            let counts = &database.counts;
            out.push([
                instance.name.clone(),
                database.name.clone(),
                database.verdict.as_str().to_string(),
                score,
                counts.blocker.to_string(),
                counts.prerequisite.to_string(),
                counts.warning.to_string(),
                counts.info.to_string(),
                outlook.unknowns.len().to_string(),
                top_cause,
                next_action,
            ]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let mut row = String::new();
        push_field(&mut row, "a\"b,c\r\nd");
        push_field(&mut row, "=HYPERLINK(\"x\")");
        push_field(&mut row, "-1");
        push_field(&mut row, "");
        assert_eq!(
            row,
            "\"a\"\"b,c\r\nd\",\"'=HYPERLINK(\"\"x\"\")\",\"'-1\",\"\""
        );
    }
}
