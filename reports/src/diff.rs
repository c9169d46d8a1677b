//! `linkready diff OLD.json NEW.json`: what changed between two runs.
//!
//! Remediation is tracked week by week: this compares two JSON reports
//! (the public contract, so a report from an earlier linkready works too)
//! and says, per instance and database, whose verdict or score moved and
//! which way, and which findings were fixed or are new. Findings are
//! matched by their fingerprint (SARIF's `partialFingerprints["linkreadFinding/v1"]`),
//! which stays while lines move; a report without the field gets it
//! computed from the same parts.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::fingerprint::finding_fingerprint;
use crate::table::{new_table, safe};

/// Bumped on any incompatible change to the diff's JSON layout.
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// Why a file is not a report `diff` can compare.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("not a linkready JSON report ({0}); write one with `linkready scan --format json`")]
    NotAReport(&'static str),
    #[error("a JSON report of schema version {0}; this linkready reads version 1")]
    SchemaVersion(u64),
}

/// Which way something moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// A worse verdict, or the same verdict with a lower score.
    Worse,
    Better,
    /// Only in the new report.
    Added,
    /// Only in the old report (an input not given this time, a database
    /// dropped, or an instance that could not be read).
    Removed,
}

/// One instance or database whose verdict or score moved.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictChange {
    pub instance: String,
    /// None for the instance itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    pub old_verdict: Option<String>,
    pub new_verdict: Option<String>,
    pub old_score: Option<u64>,
    pub new_score: Option<u64>,
    pub change: Change,
}

/// A finding fixed or new.
#[derive(Debug, Clone, Serialize)]
pub struct DiffFinding {
    pub rule: String,
    pub name: String,
    pub severity: String,
    pub instance: String,
    pub database: Option<String>,
    pub object: Option<String>,
    pub message: String,
    /// `path:line:column` for a script finding.
    pub location: Option<String>,
    pub fingerprint: String,
}

/// What a report was: the file it came from and the tool that wrote it.
#[derive(Debug, Clone, Serialize)]
pub struct DiffSide {
    pub path: String,
    pub tool_version: Option<String>,
    /// When that run assessed (a report from before the field: null).
    pub assessed_at: Option<String>,
    pub databases: usize,
    pub findings: usize,
}

/// Counts for the summary line and for scripts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffSummary {
    pub instances_worse: usize,
    pub instances_better: usize,
    pub databases_worse: usize,
    pub databases_better: usize,
    pub databases_added: usize,
    pub databases_removed: usize,
    pub databases_unchanged: usize,
    pub findings_fixed: usize,
    pub findings_new: usize,
}

/// Everything `linkready diff` reports.
#[derive(Debug, Clone, Serialize)]
pub struct ReportDiff {
    pub linkready_diff: u32,
    pub old: DiffSide,
    pub new: DiffSide,
    /// Something got worse: a verdict or score went down, or a finding is
    /// new at or above the threshold given to [`diff_reports`].
    pub worse: bool,
    pub summary: DiffSummary,
    pub instances: Vec<VerdictChange>,
    pub databases: Vec<VerdictChange>,
    pub fixed: Vec<DiffFinding>,
    #[serde(rename = "new_findings")]
    pub new_findings: Vec<DiffFinding>,
}

/// Verdicts from worst to best: `unknown` is better than `not-ready` (no
/// blocker was found) and worse than a verdict that could be decided.
fn verdict_rank(verdict: &str) -> u8 {
    match verdict {
        "ready" => 3,
        "ready-with-conditions" => 2,
        "unknown" => 1,
        _ => 0,
    }
}

/// Severities from least to most severe, as the JSON report writes them.
fn severity_rank(severity: &str) -> u8 {
    match severity {
        "blocker" => 3,
        "prerequisite" => 2,
        "warning" => 1,
        _ => 0,
    }
}

/// One side's verdicts: (instance, database or None) → (verdict, score).
type Verdicts = BTreeMap<(String, Option<String>), (String, Option<u64>)>;

struct Side {
    info: DiffSide,
    verdicts: Verdicts,
    findings: Vec<DiffFinding>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Reads the parts of a JSON report a diff needs.
fn read_side(path: &str, report: &Value) -> Result<Side, DiffError> {
    let object = report
        .as_object()
        .ok_or(DiffError::NotAReport("not a JSON object"))?;
    match object.get("schema_version").and_then(Value::as_u64) {
        Some(1) => {}
        Some(other) => return Err(DiffError::SchemaVersion(other)),
        None => return Err(DiffError::NotAReport("no schema_version")),
    }
    let instances = object
        .get("instances")
        .and_then(Value::as_array)
        .ok_or(DiffError::NotAReport("no instances"))?;
    let findings = object
        .get("findings")
        .and_then(Value::as_array)
        .ok_or(DiffError::NotAReport("no findings"))?;
    let mut verdicts = Verdicts::new();
    let mut database_count = 0;
    for instance in instances {
        let name =
            text(instance, "name").ok_or(DiffError::NotAReport("an instance without name"))?;
        let verdict = text(instance, "verdict").unwrap_or_default();
        let score = instance.get("score").and_then(Value::as_u64);
        verdicts.insert((name.clone(), None), (verdict, score));
        for database in instance
            .get("databases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let db =
                text(database, "name").ok_or(DiffError::NotAReport("a database without name"))?;
            let verdict = text(database, "verdict").unwrap_or_default();
            let score = database.get("score").and_then(Value::as_u64);
            verdicts.insert((name.clone(), Some(db)), (verdict, score));
            database_count += 1;
        }
    }
    // Ranks as the JSON report's own fingerprints count them: per key, in
    // report order.
    let mut ranks: BTreeMap<[String; 5], usize> = BTreeMap::new();
    let mut read = Vec::with_capacity(findings.len());
    for finding in findings {
        let location = finding.get("location").filter(|l| !l.is_null());
        let path = location.and_then(|l| text(l, "path"));
        let rule = text(finding, "rule").ok_or(DiffError::NotAReport("a finding without rule"))?;
        let instance = text(finding, "instance").unwrap_or_default();
        let database = text(finding, "database");
        let object = text(finding, "object");
        let key = [
            rule.clone(),
            instance.clone(),
            database.clone().unwrap_or_default(),
            object.clone().unwrap_or_default(),
            path.as_deref()
                .map(|p| p.strip_prefix("./").unwrap_or(p))
                .unwrap_or("")
                .to_string(),
        ];
        let rank = ranks.entry(key.clone()).or_insert(0);
        *rank += 1;
        let fingerprint = text(finding, "fingerprint").unwrap_or_else(|| {
            finding_fingerprint([&key[0], &key[1], &key[2], &key[3], &key[4]], *rank)
        });
        read.push(DiffFinding {
            name: text(finding, "name").unwrap_or_default(),
            severity: text(finding, "severity").unwrap_or_default(),
            message: text(finding, "message").unwrap_or_default(),
            location: location.and_then(|l| {
                Some(format!(
                    "{}:{}:{}",
                    text(l, "path")?,
                    l.get("line")?.as_u64()?,
                    l.get("column")?.as_u64()?
                ))
            }),
            rule,
            instance,
            database,
            object,
            fingerprint,
        });
    }
    Ok(Side {
        info: DiffSide {
            path: path.to_string(),
            tool_version: report.get("tool").and_then(|tool| text(tool, "version")),
            assessed_at: text(report, "assessed_at"),
            databases: database_count,
            findings: read.len(),
        },
        verdicts,
        findings: read,
    })
}

/// Which way a verdict and score moved, if at all.
fn movement(old: &(String, Option<u64>), new: &(String, Option<u64>)) -> Option<Change> {
    let old_rank = (verdict_rank(&old.0), old.1.unwrap_or(0));
    let new_rank = (verdict_rank(&new.0), new.1.unwrap_or(0));
    match new_rank.cmp(&old_rank) {
        std::cmp::Ordering::Less => Some(Change::Worse),
        std::cmp::Ordering::Greater => Some(Change::Better),
        std::cmp::Ordering::Equal if old.0 != new.0 => Some(Change::Worse),
        std::cmp::Ordering::Equal => None,
    }
}

/// Compares two JSON reports. `fail_severity`: a new finding at or above
/// it (`blocker`, `prerequisite`, `warning`, `info`) makes the diff worse;
/// None: only verdicts and scores do. An error names the file (the path
/// given) that is not a report.
pub fn diff_reports(
    old_path: &str,
    old: &Value,
    new_path: &str,
    new: &Value,
    fail_severity: Option<&str>,
) -> Result<ReportDiff, (String, DiffError)> {
    let old = read_side(old_path, old).map_err(|e| (old_path.to_string(), e))?;
    let new = read_side(new_path, new).map_err(|e| (new_path.to_string(), e))?;
    let mut databases_unchanged = 0;
    let mut instances = Vec::new();
    let mut databases = Vec::new();
    let keys: std::collections::BTreeSet<&(String, Option<String>)> =
        old.verdicts.keys().chain(new.verdicts.keys()).collect();
    for key in keys {
        let before = old.verdicts.get(key);
        let after = new.verdicts.get(key);
        let change = match (before, after) {
            (Some(before), Some(after)) => movement(before, after),
            (None, Some(_)) => Some(Change::Added),
            (Some(_), None) => Some(Change::Removed),
            (None, None) => None,
        };
        let is_instance = key.1.is_none();
        if change.is_none() && !is_instance {
            databases_unchanged += 1;
        }
        if let Some(change) = change {
            let entry = VerdictChange {
                instance: key.0.clone(),
                database: key.1.clone(),
                old_verdict: before.map(|(verdict, _)| verdict.clone()),
                new_verdict: after.map(|(verdict, _)| verdict.clone()),
                old_score: before.and_then(|(_, score)| *score),
                new_score: after.and_then(|(_, score)| *score),
                change,
            };
            if is_instance {
                instances.push(entry);
            } else {
                databases.push(entry);
            }
        }
    }
    let old_prints: HashSet<&str> = old
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let new_prints: HashSet<&str> = new
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let fixed: Vec<DiffFinding> = old
        .findings
        .iter()
        .filter(|f| !new_prints.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    let new_findings: Vec<DiffFinding> = new
        .findings
        .iter()
        .filter(|f| !old_prints.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    // The counts, from the lists themselves.
    let count = |list: &[VerdictChange], change: Change| {
        list.iter().filter(|entry| entry.change == change).count()
    };
    let summary = DiffSummary {
        instances_worse: count(&instances, Change::Worse),
        instances_better: count(&instances, Change::Better),
        databases_worse: count(&databases, Change::Worse),
        databases_better: count(&databases, Change::Better),
        databases_added: count(&databases, Change::Added),
        databases_removed: count(&databases, Change::Removed),
        databases_unchanged,
        findings_fixed: fixed.len(),
        findings_new: new_findings.len(),
    };
    let threshold = fail_severity.map(severity_rank);
    let worse = summary.instances_worse > 0
        || summary.databases_worse > 0
        || threshold.is_some_and(|threshold| {
            new_findings
                .iter()
                .any(|f| severity_rank(&f.severity) >= threshold)
        });
    Ok(ReportDiff {
        linkready_diff: DIFF_SCHEMA_VERSION,
        old: old.info,
        new: new.info,
        worse,
        summary,
        instances,
        databases,
        fixed,
        new_findings,
    })
}

/// The diff as JSON (its own versioned layout, `linkready_diff: 1`).
pub fn render_diff_json(diff: &ReportDiff) -> String {
    let mut text = serde_json::to_string_pretty(diff)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}

fn verdict_cell(verdict: &Option<String>, score: Option<u64>) -> String {
    match (verdict, score) {
        (Some(verdict), Some(score)) => format!("{verdict} ({score})"),
        (Some(verdict), None) => verdict.clone(),
        (None, _) => "-".to_string(),
    }
}

fn change_word(change: Change) -> &'static str {
    match change {
        Change::Worse => "worse",
        Change::Better => "better",
        Change::Added => "added",
        Change::Removed => "removed",
    }
}

/// The one-line summary both the table and the HTML start with.
pub fn diff_summary_line(diff: &ReportDiff) -> String {
    let s = &diff.summary;
    format!(
        "{}: {} databases worse, {} better, {} added, {} removed, {} unchanged; {} findings fixed, {} new",
        if diff.worse { "worse" } else { "not worse" },
        s.databases_worse,
        s.databases_better,
        s.databases_added,
        s.databases_removed,
        s.databases_unchanged,
        s.findings_fixed,
        s.findings_new
    )
}

/// The diff for a terminal or a log: what moved, then the findings.
pub fn render_diff_table(diff: &ReportDiff, width: Option<u16>) -> String {
    let dated = |side: &DiffSide| match &side.assessed_at {
        Some(date) => format!("{} ({})", safe(&side.path), safe(date)),
        None => safe(&side.path),
    };
    let mut out = format!(
        "linkready diff {} -> {}\n{}\n",
        dated(&diff.old),
        dated(&diff.new),
        diff_summary_line(diff)
    );
    let changes: Vec<&VerdictChange> = diff.instances.iter().chain(&diff.databases).collect();
    if !changes.is_empty() {
        let mut table = new_table(width, &["Change", "Instance", "Database", "Was", "Now"]);
        for change in changes {
            table.add_row(vec![
                change_word(change.change).to_string(),
                safe(&change.instance),
                change
                    .database
                    .as_deref()
                    .map_or_else(|| "(instance)".to_string(), safe),
                verdict_cell(&change.old_verdict, change.old_score),
                verdict_cell(&change.new_verdict, change.new_score),
            ]);
        }
        out.push('\n');
        out.push_str(&table.to_string());
        out.push('\n');
    }
    for (title, findings) in [
        ("New findings", &diff.new_findings),
        ("Fixed findings", &diff.fixed),
    ] {
        if findings.is_empty() {
            continue;
        }
        let mut table = new_table(
            width,
            &[
                "Rule", "Severity", "Instance", "Database", "Where", "Message",
            ],
        );
        for finding in findings {
            table.add_row(vec![
                format!("{} {}", finding.rule, finding.name),
                finding.severity.clone(),
                safe(&finding.instance),
                safe(finding.database.as_deref().unwrap_or("-")),
                safe(
                    finding
                        .location
                        .as_deref()
                        .or(finding.object.as_deref())
                        .unwrap_or("-"),
                ),
                safe(&finding.message),
            ]);
        }
        out.push_str(&format!("\n{title} ({})\n", findings.len()));
        out.push_str(&table.to_string());
        out.push('\n');
    }
    out
}

fn html(text: &str) -> String {
    handlebars::html_escape(text)
}

/// The diff as one self-contained page (no script, nothing from the
/// network), every value escaped.
pub fn render_diff_html(diff: &ReportDiff) -> String {
    let mut page = crate::page::page_start(
        "linkready diff",
        ".worse{color:#a4262c;font-weight:600}.better{color:#107c10;font-weight:600}\
         .id{white-space:nowrap}",
    );
    page.push_str(&format!(
        "<h1>linkready diff</h1>\n<p>Old: <code>{}</code> assessed {} ({} databases, {} findings)<br>New: <code>{}</code> assessed {} ({} databases, {} findings)</p>\n<p class=\"{}\">{}</p>\n",
        html(&diff.old.path),
        html(diff.old.assessed_at.as_deref().unwrap_or("(not dated)")),
        diff.old.databases,
        diff.old.findings,
        html(&diff.new.path),
        html(diff.new.assessed_at.as_deref().unwrap_or("(not dated)")),
        diff.new.databases,
        diff.new.findings,
        if diff.worse { "worse" } else { "better" },
        html(&diff_summary_line(diff)),
    ));
    let changes: Vec<&VerdictChange> = diff.instances.iter().chain(&diff.databases).collect();
    if !changes.is_empty() {
        page.push_str("<h2>Verdicts that moved</h2>\n<table><thead><tr><th>Change</th><th>Instance</th><th>Database</th><th>Was</th><th>Now</th></tr></thead><tbody>\n");
        for change in changes {
            let word = change_word(change.change);
            page.push_str(&format!(
                "<tr><td class=\"{word}\">{word}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                html(&change.instance),
                html(change.database.as_deref().unwrap_or("(instance)")),
                html(&verdict_cell(&change.old_verdict, change.old_score)),
                html(&verdict_cell(&change.new_verdict, change.new_score)),
            ));
        }
        page.push_str("</tbody></table>\n");
    }
    for (title, findings) in [
        ("New findings", &diff.new_findings),
        ("Fixed findings", &diff.fixed),
    ] {
        if findings.is_empty() {
            continue;
        }
        page.push_str(&format!(
            "<h2>{title} ({})</h2>\n<table><thead><tr><th>Rule</th><th>Severity</th><th>Instance</th><th>Database</th><th>Where</th><th>Message</th></tr></thead><tbody>\n",
            findings.len()
        ));
        for finding in findings {
            page.push_str(&format!(
                "<tr><td class=\"id\">{} {}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                html(&finding.rule),
                html(&finding.name),
                html(&finding.severity),
                html(&finding.instance),
                html(finding.database.as_deref().unwrap_or("")),
                html(
                    finding
                        .location
                        .as_deref()
                        .or(finding.object.as_deref())
                        .unwrap_or("")
                ),
                html(&finding.message),
            ));
        }
        page.push_str("</tbody></table>\n");
    }
    page.push_str("</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(databases: Value, findings: Value) -> Value {
        json!({"schema_version": 1, "tool": {"name": "linkready", "version": "0.1.0"},
               "instances": [{"name": "SQL01", "verdict": "not-ready", "score": 0, "databases": databases}],
               "findings": findings})
    }

    fn finding(rule: &str, severity: &str, line: u64) -> Value {
        json!({"rule": rule, "name": "n", "severity": severity, "instance": "SQL01",
               "database": "Sales", "object": null, "message": "m",
               "location": {"path": "./a.sql", "line": line, "column": 1}})
    }

    #[test]
    fn moved_lines_are_the_same_finding_and_verdicts_rank() {
        let old = report(
            json!([{"name": "Sales", "verdict": "ready", "score": 100},
                   {"name": "HR", "verdict": "not-ready", "score": 0}]),
            json!([
                finding("LR203", "blocker", 3),
                finding("LR301", "warning", 9)
            ]),
        );
        let new = report(
            json!([{"name": "Sales", "verdict": "unknown", "score": null},
                   {"name": "HR", "verdict": "ready-with-conditions", "score": 80},
                   {"name": "New", "verdict": "ready", "score": 100}]),
            json!([finding("LR203", "blocker", 30), finding("LR999", "info", 1)]),
        );
        let diff = diff_reports("old", &old, "new", &new, Some("warning")).unwrap();
        let moved: Vec<(&str, Change)> = diff
            .databases
            .iter()
            .map(|c| (c.database.as_deref().unwrap_or(""), c.change))
            .collect();
        assert_eq!(
            moved,
            [
                ("HR", Change::Better),
                ("New", Change::Added),
                ("Sales", Change::Worse)
            ]
        );
        assert_eq!(diff.fixed.len(), 1, "LR301 fixed; LR203 moved, same");
        assert_eq!(diff.fixed[0].rule, "LR301");
        assert_eq!(diff.new_findings[0].rule, "LR999");
        assert!(diff.worse, "Sales went from ready to unknown");
        // Only an info finding new and nothing moved down: not worse.
        let diff = diff_reports("a", &new, "b", &new, Some("warning")).unwrap();
        assert!(!diff.worse);
        assert_eq!(diff.summary.databases_unchanged, 3);
    }

    #[test]
    fn what_is_not_a_report_is_named() {
        let error =
            diff_reports("a", &json!({"version": "2.1.0"}), "b", &json!({}), None).unwrap_err();
        assert_eq!(error.0, "a", "the old file is the bad one");
        assert!(error.1.to_string().contains("no schema_version"));
    }
}
