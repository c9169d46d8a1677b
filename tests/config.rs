//! linkready.toml end to end: the target feeds the target-dependent rules,
//! rule settings and weights change verdicts and scores, `[[suppress]]`
//! entries suppress (until they expire), and bad files stop the run with
//! file:line:column.

#![allow(clippy::unwrap_used)]

mod common;

use common::{linkready_in, repo};

use std::path::Path;

use serde_json::Value;

fn sample_with(config: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("linkready.toml"), config).unwrap();
    let estate = repo("fixtures/sample-estate");
    // Found in the working directory, without --config.
    let output = linkready_in(
        dir.path(),
        &[
            "scan",
            estate.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn findings<'v>(report: &'v Value, rule: &str) -> Vec<&'v Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn database<'v>(report: &'v Value, instance: &str, name: &str) -> &'v Value {
    report["instances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == instance)
        .unwrap()["databases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap()
}

#[test]
fn the_target_decides_the_target_dependent_rules() {
    let report = sample_with(
        r#"
[target]
name = "mi-prod"
tier = "general-purpose"
update_policy = "AlwaysUpToDate"
collation = "Latin1_General_100_CI_AS_SC"
free_storage_gb = 3
databases = ["A", "B"]
bandwidth_mbps = 0.02
"#,
    );
    let lr112 = findings(&report, "LR112");
    assert_eq!(
        lr112.len(),
        3,
        "the three servers differ from the target's collation"
    );
    assert!(
        lr112[0]["message"]
            .as_str()
            .unwrap()
            .contains("Latin1_General_100_CI_AS_SC")
    );

    let lr113: Vec<(&str, &str)> = findings(&report, "LR113")
        .iter()
        .map(|f| {
            (
                f["instance"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lr113,
        [("SQL01", "info"), ("SQL02", "info"), ("SQL03", "info")]
    );

    // SQL01: three databases of 2 GB each, 6 GB against 3 GB free.
    let lr114 = findings(&report, "LR114");
    assert_eq!(lr114.len(), 1, "{lr114:?}");
    assert_eq!(lr114[0]["instance"], "SQL01");
    assert_eq!(lr114[0]["severity"], "blocker");

    // Every 2 GB database fits 3 GB on its own.
    assert!(findings(&report, "LR208").is_empty());

    // 2048 MB at 0.02 Mbit/s takes about 9.7 days.
    assert_eq!(findings(&report, "LR214").len(), 5);

    // Nothing target-dependent is left undecided.
    assert!(
        report["unknowns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["needs"] != "target"),
        "{}",
        report["unknowns"]
    );
    assert_eq!(
        report["instances"].as_array().unwrap()[1]["verdict"],
        "not-ready",
        "SQL01 is blocked by capacity"
    );
}

#[test]
fn database_selection_applies_to_inventories() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("linkready.toml"),
        "[target]\ntier = \"general-purpose\"\nfree_storage_gb = 5\n",
    )
    .unwrap();
    let inventory = repo("fixtures/sample-estate/inventories/sql01.inventory.json");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "--inventory",
            inventory.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ];
        args.extend_from_slice(extra);
        let output = linkready_in(dir.path(), &args);
        serde_json::from_slice::<Value>(&output.stdout).unwrap()
    };
    // Three databases of 2 GiB do not fit 5 GiB; Sales alone does.
    assert_eq!(findings(&run(&[]), "LR114").len(), 1);
    assert!(findings(&run(&["--database", "Sales"]), "LR114").is_empty());
}

#[test]
fn rule_settings_and_weights_change_verdicts_and_scores() {
    let report = sample_with(
        r#"
[scoring]
prerequisite = 20

[rules.LR215]
severity = "blocker"

[rules.recovery-model]
enabled = false

[rules.LR203]
weight = 5
"#,
    );
    assert!(findings(&report, "LR211").is_empty(), "LR211 is disabled");
    let reporting = database(&report, "scripts", "Reporting");
    assert_eq!(reporting["verdict"], "not-ready", "LR215 raised to blocker");
    let lr215 = findings(&report, "LR215");
    assert_eq!(lr215[0]["severity"], "blocker");
    // 60 points lost: 40 % of the not-ready band (0–49).
    assert_eq!(reporting["score"], 19);
}

#[test]
fn suppressions_match_globs_and_expire() {
    let report = sample_with(
        r#"
[[suppress]]
rule = "LR20?"
instance = "scripts"
database = "doc*"
reason = "Documents moves by backup and restore, not by the link"

[[suppress]]
rule = "filestream"
instance = "SQL02"
reason = "was accepted until the end of 2020"
expires = 2020-12-31
"#,
    );
    let docs = database(&report, "scripts", "Documents");
    assert_eq!(docs["counts"]["blocker"], 0, "{docs}");
    let suppressed = report["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 4, "3 LR202 and 1 LR203: {suppressed:?}");
    assert!(
        suppressed[0]["suppressed_by"]
            .as_str()
            .unwrap()
            .contains("Documents moves by backup and restore")
    );
    let entries = report["config_suppressions"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["expired"], false);
    assert_eq!(entries[0]["matched"], 4);
    assert_eq!(entries[1]["expired"], true);
    assert_eq!(entries[1]["matched"], 2, "still reported: {entries:?}");
    assert!(
        findings(&report, "LR202")
            .iter()
            .any(|f| f["instance"] == "SQL02"),
        "an expired suppression no longer suppresses"
    );
}

#[test]
fn every_format_lists_the_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("linkready.toml"),
        "[[suppress]]\nrule = \"LR203\"\nreason = \"FileTable <dropped> before the move\"\n",
    )
    .unwrap();
    let estate = repo("fixtures/sample-estate");
    let run = |format: &str| {
        let output = linkready_in(
            dir.path(),
            &["scan", estate.to_str().unwrap(), "--format", format],
        );
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(run("table").contains("Suppressions in linkready.toml"));
    assert!(run("csv").contains("FileTable <dropped> before the move"));
    assert!(run("html").contains("FileTable &lt;dropped&gt; before the move"));
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let run0 = &sarif["runs"][0];
    assert!(
        run0["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["ruleId"] != "LR203"),
        "a suppressed finding would open a code scanning alert"
    );
    let suppressed = run0["properties"]["suppressedResults"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    assert_eq!(run0["properties"]["configSuppressions"][0]["matched"], 1);
}

#[test]
fn a_bad_config_stops_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        "[target]\ntier = \"general-purpose\"\nfree_storage = 10\n",
    )
    .unwrap();
    let output = linkready_in(
        &repo(""),
        &[
            "scan",
            "fixtures/sample-estate",
            "--config",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{}:3:1:", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains("free_storage"), "{stderr}");

    let missing = linkready_in(
        &repo(""),
        &[
            "scan",
            "fixtures/sample-estate",
            "--config",
            "no/such/linkready.toml",
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/linkready.toml"));
}

#[test]
fn the_readme_example_is_a_valid_config() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme.find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let config = linkready::config::parse(&readme[start..end], Path::new("README.md"), 0).unwrap();
    assert!(config.settings.target.is_some());
    assert_eq!(config.suppressions.len(), 1);
    assert!(!config.enabled("LR215"));
}

#[test]
fn the_target_from_azure_json_assesses_as_the_hand_written_one() {
    let fixtures = repo("fixtures/azure/target-json");
    let estate = repo("fixtures/sample-estate");
    let run = |config: &str| -> (Value, String) {
        let output = linkready_in(
            &fixtures,
            &[
                "scan",
                estate.to_str().unwrap(),
                "--config",
                config,
                "--format",
                "json",
                "--fail-on",
                "never",
            ],
        );
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(0), "{config}: {stderr}");
        (serde_json::from_slice(&output.stdout).unwrap(), stderr)
    };
    // Everything but the date and the inputs' names.
    let outcome = |report: &Value| {
        let mut report = report.clone();
        report["assessed_at"] = Value::Null;
        serde_json::to_string_pretty(&report).unwrap()
    };
    let (by_hand, quiet) = run("by-hand.toml");
    assert!(quiet.is_empty(), "{quiet}");
    // The target matters here: the collation differs (LR112), and the
    // checks that needed [target] decided.
    assert!(!findings(&by_hand, "LR112").is_empty());
    assert!(
        by_hand["unknowns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["needs"] != "target"),
        "{}",
        by_hand["unknowns"]
    );
    for config in ["az.toml", "powershell.toml"] {
        let (report, warnings) = run(config);
        assert_eq!(outcome(&report), outcome(&by_hand), "{config}");
        // Everything the checks need was there (free storage from the table).
        assert!(warnings.is_empty(), "{config}: {warnings}");
    }

    // What the JSON cannot say is said, not guessed: without free_storage_gb
    // in the table, a warning names the key; the capacity checks wait for it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("linkready.toml"),
        format!(
            "[target]\nfrom = {:?}\nbandwidth_mbps = 100\n",
            fixtures.join("mi-az.json").display().to_string()
        ),
    )
    .unwrap();
    let output = linkready_in(
        dir.path(),
        &[
            "scan",
            estate.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    let warnings = String::from_utf8(output.stderr).unwrap();
    assert!(
        warnings.starts_with("linkready: warning: ")
            && warnings.contains("set free_storage_gb in [target]"),
        "{warnings}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        report["unknowns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["rule"] == "LR114" && u["needs_target"] == true),
        "{}",
        report["unknowns"]
    );

    // A list of two instances, or something else entirely: the file and
    // the place in linkready.toml are named.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("two.json"),
        r#"[{"name": "a"}, {"name": "b"}]"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("linkready.toml"),
        "[target]\nfrom = \"two.json\"\n",
    )
    .unwrap();
    let output = linkready_in(dir.path(), &["scan", estate.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("linkready.toml:2:8: from: ") && stderr.contains("two.json: holds 2 items"),
        "{stderr}"
    );
}
