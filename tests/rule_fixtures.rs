//! Every rule against its fixtures: `fixtures/rules/<ID>/fires.sql` must give
//! exactly the findings annotated `-- expect: <ID>` on their lines, and
//! `passes.sql` none of that rule.
//!
//! Header lines: `-- linkready-test: database=NAME` selects a database (as
//! `--database`); `-- expect-unlocated: <ID>` expects a finding without a
//! script position (a selection, not a line).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use linkready::collect::files::ScriptOptions;
use linkready::{ScanRequest, run_scan};
use linkready_rules::{Origin, RULES, Source};

fn fixture_dir(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules")
        .join(id)
}

/// (line of the finding, or 0 when it has no position) for one rule.
fn findings_of(path: &Path, rule: &str) -> BTreeSet<u32> {
    let text = std::fs::read_to_string(path).unwrap();
    let databases: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("-- linkready-test: database="))
        .map(|name| name.trim().to_string())
        .collect();
    let request = ScanRequest {
        paths: vec![path.to_path_buf()],
        options: ScriptOptions {
            follow_symlinks: false,
            default_database: databases.first().cloned(),
        },
        databases,
        ..ScanRequest::default()
    };
    let report = run_scan(&request);
    assert!(
        report
            .files
            .iter()
            .all(|f| f.error.is_none() && f.warnings.is_empty()),
        "{}: {:?}",
        path.display(),
        report.files
    );
    report
        .assessment
        .findings
        .iter()
        .filter(|finding| finding.rule.id == rule)
        .map(|finding| match &finding.origin {
            Origin::Script { line, .. } => *line,
            _ => 0,
        })
        .collect()
}

fn expected_lines(path: &Path, rule: &str) -> BTreeSet<u32> {
    let text = std::fs::read_to_string(path).unwrap();
    let located = format!("-- expect: {rule}");
    let unlocated = format!("-- expect-unlocated: {rule}");
    let mut lines = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim() == unlocated {
            lines.insert(0);
        } else if line.contains(&located) {
            lines.insert(u32::try_from(index + 1).unwrap());
        }
    }
    lines
}

fn script_rules() -> impl Iterator<Item = &'static linkready_rules::RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.has_source(Source::Script))
}

#[test]
fn every_script_rule_fires_on_its_fixture_exactly_where_annotated() {
    let mut wrong = Vec::new();
    for rule in script_rules() {
        let fires = fixture_dir(rule.id).join("fires.sql");
        let expected = expected_lines(&fires, rule.id);
        assert!(
            !expected.is_empty(),
            "{}: fires.sql has no `-- expect: {}`",
            rule.id,
            rule.id
        );
        let found = findings_of(&fires, rule.id);
        if found != expected {
            wrong.push(format!(
                "{}: expected lines {expected:?}, found {found:?}",
                rule.id
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_script_rule_fires_on_its_passing_fixture() {
    let mut wrong = Vec::new();
    for rule in script_rules() {
        let found = findings_of(&fixture_dir(rule.id).join("passes.sql"), rule.id);
        if !found.is_empty() {
            wrong.push(format!("{}: fired on passes.sql lines {found:?}", rule.id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
