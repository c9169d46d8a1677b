//! CSV: one row per finding, for spreadsheets.
//!
//! Excel opens it cleanly: UTF-8 with a byte order mark (without it Excel
//! reads Windows-1252), CRLF line ends, every field quoted with `"` doubled,
//! one header row. A field that starts with `=`, `+`, `-`, `@`, tab,
//! carriage return or line feed gets a leading `'` so Excel shows it as text instead of
//! evaluating it (object names and messages come from customers' servers).

use std::collections::BTreeMap;

use crate::model::Report;

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
        push_row(
            &mut out,
            &[
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
            ],
        );
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
