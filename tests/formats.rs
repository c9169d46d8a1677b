//! Every output format over the sample estate: SARIF against the OASIS schema,
//! CSV as Excel reads it, and snapshots of each format.
//!
//! Snapshots live in tests/snapshots/; after an intended change, rewrite them
//! with `LINKREADY_UPDATE_SNAPSHOTS=1 cargo test --test formats` and review
//! the diff.

#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_valid_sarif, linkready, repo, sarif_validator};

use serde_json::Value;

fn sample(format: &str) -> String {
    let output = linkready(&["scan", "fixtures/sample-estate", "--format", format]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn assert_snapshot(name: &str, actual: &str) {
    let path = repo("tests/snapshots").join(name);
    if std::env::var_os("LINKREADY_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (LINKREADY_UPDATE_SNAPSHOTS=1 writes it)",
            path.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {}:\nexpected: {:?}\nactual:   {:?}",
            path.display(),
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

#[test]
fn snapshots_of_every_format() {
    assert_snapshot("sample-estate.table.txt", &sample("table"));
    assert_snapshot("sample-estate.json", &sample("json"));
    assert_snapshot("sample-estate.sarif", &sample("sarif"));
    assert_snapshot("sample-estate.csv", &sample("csv"));
    assert_snapshot("sample-estate.html", &sample("html"));
}

#[test]
fn sarif_follows_the_oasis_schema() {
    let validator = sarif_validator();
    let log: Value = serde_json::from_str(&sample("sarif")).unwrap();
    assert_valid_sarif(&validator, &log);

    // The validator does reject what breaks the schema.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), linkready_rules::RULES.len());
    for rule in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "helpUri",
        ] {
            assert!(!rule[key].is_null(), "{key} missing in {rule}");
        }
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("# How to fix")
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let mut physical = 0;
    let mut logical = 0;
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0];
        match result["properties"]["origin"].as_str().unwrap() {
            "script" => {
                physical += 1;
                let region = &location["physicalLocation"]["region"];
                assert!(region["startLine"].as_u64().unwrap() >= 1);
                assert!(
                    location["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .starts_with("fixtures/sample-estate/")
                );
            }
            "inventory" => {
                logical += 1;
                assert!(
                    location["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .starts_with("fixtures/sample-estate/inventories/")
                );
                let chain = location["logicalLocations"].as_array().unwrap();
                let instance = result["properties"]["instance"].as_str().unwrap();
                assert_eq!(chain.last().unwrap()["fullyQualifiedName"], instance);
            }
            origin => panic!("unexpected origin {origin}"),
        }
        assert_eq!(
            result["partialFingerprints"]["linkreadFinding/v1"]
                .as_str()
                .unwrap()
                .len(),
            16
        );
    }
    assert!(physical > 0 && logical > 0, "{physical} {logical}");
}

#[test]
fn sarif_fingerprints_survive_lines_added_above() {
    let dir = tempfile::tempdir().unwrap();
    let body = "CREATE DATABASE Docs ON PRIMARY (NAME = d, FILENAME = 'd.mdf'),\n\
                FILEGROUP fs CONTAINS FILESTREAM (NAME = f, FILENAME = 'f');\nGO\n";
    let file = dir.path().join("docs.sql");
    let fingerprints = |text: &str| {
        std::fs::write(&file, text).unwrap();
        let output = linkready(&["scan", file.to_str().unwrap(), "--format", "sarif"]);
        let log: Value = serde_json::from_slice(&output.stdout).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap().clone();
        let mut prints: Vec<(String, u64)> = results
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["linkreadFinding/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect();
        prints.sort();
        prints
    };
    let before = fingerprints(body);
    let after = fingerprints(&format!("-- a header\n-- added later\n{body}"));
    assert!(!before.is_empty());
    assert_eq!(before.len(), after.len());
    for ((print_before, line_before), (print_after, line_after)) in before.iter().zip(&after) {
        assert_eq!(print_before, print_after);
        assert_eq!(line_before + 2, *line_after);
    }
}

#[test]
fn identical_findings_in_one_file_stay_separate_alerts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.sql"),
        "USE Ops;\nGO\nEXEC xp_cmdshell 'dir';\nEXEC xp_cmdshell 'dir';\nGO\n",
    )
    .unwrap();
    let output = linkready(&["scan", dir.path().to_str().unwrap(), "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let prints: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "LR303")
        .map(|r| {
            r["partialFingerprints"]["linkreadFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1]);
}

#[test]
fn sarif_names_files_with_any_characters() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("Bestände #1");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(
        sub.join("a b%.sql"),
        "USE Sales;\nGO\nEXEC xp_cmdshell 'dir';\nGO\n",
    )
    .unwrap();
    let output = linkready(&["scan", dir.path().to_str().unwrap(), "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid_sarif(&sarif_validator(), &log);
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(uri.ends_with("/Best%C3%A4nde%20%231/a%20b%25.sql"), "{uri}");
}

/// Splits CSV as Excel does: quoted fields, `""` inside quotes, CRLF rows.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "last row without CRLF");
    rows
}

#[test]
fn csv_opens_in_excel_with_one_row_per_finding() {
    let text = sample("csv");
    let body = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 byte order mark");
    assert!(body.ends_with("\r\n"));
    let rows = parse_csv(body);
    assert_eq!(rows[0], linkready_reports::CSV_COLUMNS);
    let report: Value = serde_json::from_str(&sample("json")).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let suppressed = report["suppressed"].as_array().unwrap();
    assert_eq!(rows.len() - 1, findings.len() + suppressed.len());
    for (row, finding) in rows[1..].iter().zip(findings) {
        assert_eq!(row.len(), linkready_reports::CSV_COLUMNS.len());
        assert_eq!(row[0], finding["rule"].as_str().unwrap());
        assert_eq!(row[3], finding["instance"].as_str().unwrap());
        assert_eq!(row[7], finding["origin"].as_str().unwrap());
    }
}

#[test]
fn csv_keeps_hostile_names_as_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.sql"),
        "USE [=cmd|' /C calc'!A0];\nGO\nCREATE TABLE [a\"b,c] (d varbinary(max) FILESTREAM);\nGO\n",
    )
    .unwrap();
    let output = linkready(&["scan", dir.path().to_str().unwrap(), "--format", "csv"]);
    let text = String::from_utf8(output.stdout).unwrap();
    let rows = parse_csv(text.strip_prefix('\u{feff}').unwrap());
    assert!(rows.len() > 1, "{text}");
    for row in &rows[1..] {
        assert_eq!(
            row[4], "'=cmd|' /C calc'!A0",
            "the database is text, not a formula"
        );
    }
    assert!(
        rows[1..].iter().any(|row| row[5].contains("a\"b,c")),
        "{rows:?}"
    );
}
