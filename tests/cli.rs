//! The binary over the sample estate: the JSON contract, exit codes, and the
//! rule commands.

#![allow(clippy::unwrap_used)]

mod common;

use common::linkready;

use std::path::Path;

use serde_json::Value;

fn json(args: &[&str]) -> (Value, i32) {
    let output = linkready(args);
    let value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stdout)));
    (value, output.status.code().unwrap())
}

fn database<'v>(report: &'v Value, name: &str) -> &'v Value {
    report["instances"][0]["databases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|db| db["name"] == name)
        .unwrap_or_else(|| panic!("no database {name}"))
}

#[test]
fn sample_estate_json_contract() {
    let (report, code) = json(&["scan", "fixtures/sample-estate", "--format", "json"]);
    assert_eq!(code, 1, "a blocker fails the default --fail-on blocker");
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["tool"]["name"], "linkready");
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));

    let instance = &report["instances"][0];
    assert_eq!(instance["name"], "scripts");
    assert_eq!(instance["verdict"], "not-ready");
    assert_eq!(instance["source"], "script");
    // Scripts show no instance facts: "not assessed", not unknown.
    assert_eq!(instance["instance_prerequisites"], "not-assessed");
    assert_eq!(instance["errors"].as_array().unwrap().len(), 0);
    assert!(
        report["instances"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["verdict"] != "unknown")
    );

    assert_eq!(database(&report, "Sales")["verdict"], "ready");
    assert_eq!(database(&report, "Sales")["score"], 100);
    assert_eq!(database(&report, "Documents")["verdict"], "not-ready");
    assert_eq!(
        database(&report, "Reporting")["verdict"],
        "ready-with-conditions"
    );

    let findings = report["findings"].as_array().unwrap();
    let filetable = findings.iter().find(|f| f["rule"] == "LR203").unwrap();
    assert_eq!(filetable["name"], "filetable");
    assert_eq!(filetable["severity"], "blocker");
    assert_eq!(filetable["instance"], "scripts");
    assert_eq!(filetable["database"], "Documents");
    assert_eq!(filetable["object"], "dbo.Inbox");
    assert_eq!(filetable["origin"], "script");
    assert_eq!(
        filetable["location"]["path"],
        "fixtures/sample-estate/Documents/Documents.sql"
    );
    assert_eq!(filetable["location"]["line"], 23);
    assert_eq!(filetable["location"]["column"], 14);
    assert!(filetable["message"].as_str().unwrap().contains("dbo.Inbox"));
    // SQLCMD variables resolved into the database name.
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "LR211" && f["database"] == "Reporting")
    );
    // The comment in Sales that mentions SET RECOVERY SIMPLE is not code.
    assert!(findings.iter().all(|f| f["database"] != "Sales"));

    let files = report["inputs"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    assert!(
        files
            .iter()
            .all(|f| f["status"] == "scanned" && f["error"].is_null())
    );
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted, "files in a deterministic order");
    let sales = files
        .iter()
        .find(|f| f["path"] == "fixtures/sample-estate/Sales/01-database.sql")
        .unwrap();
    assert_eq!(sales["batches"], 6);
}

#[test]
fn fail_on_thresholds() {
    assert_eq!(
        linkready(&["scan", "fixtures/sample-estate/Sales"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        linkready(&["scan", "fixtures/sample-estate/Reporting"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        linkready(&[
            "scan",
            "fixtures/sample-estate/Reporting",
            "--fail-on",
            "warning"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        linkready(&[
            "scan",
            "fixtures/sample-estate/Reporting",
            "--fail-on",
            "prerequisite"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        linkready(&["scan", "fixtures/sample-estate", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn usage_errors_and_missing_paths_exit_2() {
    assert_eq!(
        linkready(&["scan", "--format", "yaml"]).status.code(),
        Some(2)
    );
    assert_eq!(linkready(&["frobnicate"]).status.code(), Some(2));
    // clap's usage errors speak with the same voice, and offer the near miss.
    let near_miss = linkready(&["scan", "--format", "jsn"]);
    assert_eq!(near_miss.status.code(), Some(2));
    let stderr = String::from_utf8(near_miss.stderr).unwrap();
    assert!(
        stderr.starts_with("linkready: error: invalid value 'jsn'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("a similar value exists: 'json'"),
        "{stderr}"
    );
    let version = linkready(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert!(
        String::from_utf8(version.stdout)
            .unwrap()
            .starts_with("linkready ")
    );
    let (report, code) = json(&[
        "scan",
        "fixtures/sample-estate/Sales",
        "no/such/dir",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let files = report["inputs"]["files"].as_array().unwrap();
    let missing = files.iter().find(|f| f["path"] == "no/such/dir").unwrap();
    assert_eq!(missing["status"], "error");
    assert!(missing["error"].as_str().unwrap().contains("cannot read"));
    assert_eq!(files.iter().filter(|f| f["status"] == "scanned").count(), 3);

    // One voice: `linkready: error: <what>: <why>`, each cause once.
    let missing_config = linkready(&["scan", "--config", "no/such/linkready.toml"]);
    assert_eq!(missing_config.status.code(), Some(2));
    let stderr = String::from_utf8(missing_config.stderr).unwrap();
    assert!(
        stderr.starts_with("linkready: error: cannot read no/such/linkready.toml: "),
        "{stderr}"
    );
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
    // Encrypt=Strict is refused before anything is contacted, in our words.
    let strict = linkready(&["scan", "--server", "Server=h;Encrypt=Strict"]);
    assert_eq!(strict.status.code(), Some(2));
    let stderr = String::from_utf8(strict.stderr).unwrap();
    assert!(
        stderr.starts_with("linkready: error: ")
            && stderr.contains("Encrypt=Strict (TDS 8.0) is not supported yet"),
        "{stderr}"
    );
    assert!(!stderr.contains("tds80"), "{stderr}");
}

#[test]
fn output_file_and_piped_table_keep_lines_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let output = linkready(&[
        "scan",
        "fixtures/sample-estate",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(output.stdout.is_empty());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["schema_version"], 1);

    let table = String::from_utf8(linkready(&["scan", "fixtures/sample-estate"]).stdout).unwrap();
    assert!(table.contains("Documents") && table.contains("not-ready"));
    assert!(
        !table.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    // In a pipe the table is as wide as its content: what people grep
    // for is on one line (issue 15).
    assert!(
        table
            .lines()
            .any(|line| line.contains("SERVERPROPERTY('ProductVersion')")),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|line| line.contains("fixtures/sample-estate/Documents/Documents.sql:7:2")),
        "{table}"
    );
}

#[test]
fn the_output_file_s_extension_names_the_format() {
    let dir = tempfile::tempdir().unwrap();
    for (name, starts) in [
        ("r.json", "{"),
        ("r.HTML", "<!DOCTYPE html>"),
        ("r.sarif", "{"),
        ("r.csv", "\u{feff}"),
        ("r.txt", "Instance"),
    ] {
        let out = dir.path().join(name);
        let output = linkready(&[
            "scan",
            "fixtures/sample-estate",
            "--fail-on",
            "never",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{name}");
        assert!(output.stdout.is_empty(), "{name}");
        let written = std::fs::read_to_string(&out).unwrap();
        let matches = if name == "r.txt" {
            written.starts_with('┌') && written.contains(starts)
        } else {
            written.starts_with(starts)
        };
        assert!(matches, "{name}: {}", &written[..written.len().min(80)]);
        // One line on stderr says what was written.
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("linkready: wrote ") && stderr.contains(" databases ("),
            "{stderr}"
        );
    }
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // --format wins, in any case.
    let out = dir.path().join("r.html");
    let output = linkready(&[
        "scan",
        "fixtures/sample-estate",
        "--fail-on",
        "never",
        "--format",
        "JSON",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
}

/// The cells of every sheet of a workbook, by sheet name in workbook
/// order: rows of (column letter, text) read from the XML parts, with
/// shared strings resolved.
fn read_workbook(path: &std::path::Path) -> Vec<(String, Vec<Vec<String>>, String)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let shared_text = part("xl/sharedStrings.xml");
    let shared = roxmltree::Document::parse(&shared_text).unwrap();
    let strings: Vec<String> = shared
        .descendants()
        .filter(|n| n.has_tag_name("si"))
        .map(|si| {
            si.descendants()
                .filter(|n| n.has_tag_name("t"))
                .filter_map(|t| t.text())
                .collect()
        })
        .collect();
    let workbook_text = part("xl/workbook.xml");
    let workbook = roxmltree::Document::parse(&workbook_text).unwrap();
    let names: Vec<String> = workbook
        .descendants()
        .filter(|n| n.has_tag_name("sheet"))
        .map(|n| n.attribute("name").unwrap().to_string())
        .collect();
    names
        .into_iter()
        .enumerate()
        .map(|(index, name)| {
            let xml = part(&format!("xl/worksheets/sheet{}.xml", index + 1));
            let sheet = roxmltree::Document::parse(&xml).unwrap();
            let rows = sheet
                .descendants()
                .filter(|n| n.has_tag_name("row"))
                .map(|row| {
                    let mut cells = Vec::new();
                    for cell in row.children().filter(|n| n.has_tag_name("c")) {
                        let column: String = cell
                            .attribute("r")
                            .unwrap()
                            .chars()
                            .take_while(char::is_ascii_alphabetic)
                            .collect();
                        let index = column
                            .bytes()
                            .fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1))
                            - 1;
                        let value = cell
                            .children()
                            .find(|n| n.has_tag_name("v"))
                            .and_then(|v| v.text())
                            .unwrap_or("");
                        let text = if cell.attribute("t") == Some("s") {
                            strings[value.parse::<usize>().unwrap()].clone()
                        } else {
                            value.to_string()
                        };
                        cells.resize(index, String::new());
                        cells.push(text);
                    }
                    cells
                })
                .collect();
            (name, rows, xml)
        })
        .collect()
}

#[test]
fn the_workbook_has_four_sheets_and_every_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("estate.xlsx");
    let output = linkready(&[
        "scan",
        "fixtures/sample-estate",
        "--fail-on",
        "never",
        "--output",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("(xlsx)"), "{stderr}");
    let json = linkready(&[
        "scan",
        "fixtures/sample-estate",
        "--fail-on",
        "never",
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let sheets = read_workbook(&out);
    let names: Vec<&str> = sheets.iter().map(|(name, _, _)| name.as_str()).collect();
    assert_eq!(names, ["Databases", "Findings", "Unknowns", "Inputs"]);
    for (name, rows, xml) in &sheets {
        assert!(xml.contains("<autoFilter "), "{name}: a filter");
        assert!(xml.contains("state=\"frozen\""), "{name}: a frozen header");
        assert!(!rows.is_empty(), "{name}: a header row");
    }
    // Databases: every database of every instance, ready ones included.
    let databases = &sheets[0].1;
    assert_eq!(
        databases[0][..4],
        ["instance", "database", "verdict", "score"].map(String::from)
    );
    let mut expected: Vec<(String, String, String)> = report["instances"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|instance| {
            instance["databases"].as_array().unwrap().iter().map(|db| {
                (
                    instance["name"].as_str().unwrap().to_string(),
                    db["name"].as_str().unwrap().to_string(),
                    db["verdict"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    let mut got: Vec<(String, String, String)> = databases[1..]
        .iter()
        .map(|row| (row[0].clone(), row[1].clone(), row[2].clone()))
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert!(got.iter().any(|(_, _, verdict)| verdict == "ready"));
    // Findings: one row per finding (then the suppressed ones).
    let findings = report["findings"].as_array().unwrap().len()
        + report["suppressed"].as_array().map_or(0, Vec::len);
    assert_eq!(sheets[1].1.len() - 1, findings);
    assert_eq!(sheets[1].1[0][0], "rule");
    // Unknowns and Inputs: as many as the report has.
    assert_eq!(
        sheets[2].1.len() - 1,
        report["unknowns"].as_array().unwrap().len()
    );
    let inputs = report["inputs"]["files"].as_array().unwrap().len()
        + report["inputs"]["inventories"].as_array().unwrap().len();
    assert_eq!(sheets[3].1.len() - 1, inputs);
    assert!(
        sheets[3]
            .1
            .iter()
            .any(|row| row[0] == "inventory" && row[2] == "read")
    );
}

#[test]
fn the_database_csv_lists_every_database() {
    let output = linkready(&[
        "scan",
        "fixtures/sample-estate",
        "--format",
        "csv-databases",
        "--fail-on",
        "never",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap();
    let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(
        rows[0],
        "\"instance\",\"database\",\"verdict\",\"score\",\"blockers\",\"prerequisites\",\"warnings\",\"infos\",\"unknowns\",\"top_cause\",\"next_action\""
    );
    // Every database of the JSON report, ready ones included, once.
    let (report, _) = json(&["scan", "fixtures/sample-estate", "--format", "json"]);
    let expected: usize = report["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["databases"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len() - 1, expected);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("\"SQL01\",\"Crm\",\"ready\",\"100\""))
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("\"SQL02\",\"Documents\",\"not-ready\"")
                && r.contains("LR102 blocker")),
        "{text}"
    );
}

#[test]
fn database_option_attributes_scripts_without_use() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.sql"),
        "CREATE TABLE dbo.T (B varbinary(max) FILESTREAM NULL)\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let (report, _) = json(&["scan", path, "--format", "json"]);
    assert!(report["findings"][0]["database"].is_null());
    let (report, _) = json(&["scan", path, "--format", "json", "--database", "Docs"]);
    assert_eq!(report["findings"][0]["database"], "Docs");
    assert_eq!(database(&report, "Docs")["verdict"], "not-ready");
    let (report, _) = json(&["scan", path, "--format", "json", "--database", "msdb"]);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["LR201"],
        "msdb is selected (blocker) and its objects belong to the instance"
    );
    assert!(report["findings"][0]["location"].is_null());
}

#[test]
fn ssdt_projects_name_the_database_of_their_scripts() {
    let (report, _) = json(&["scan", "fixtures/ssdt", "--format", "json"]);
    let findings: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["database"].as_str().unwrap_or("(none)"),
                f["location"]["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let has = |rule: &str, database: &str, file: &str| {
        findings
            .iter()
            .any(|(r, d, p)| *r == rule && *d == database && p.ends_with(file))
    };
    // The classic project's <Name>; the SDK project's file name.
    assert!(has("LR205", "Inventory", "Stock.sql"), "{findings:?}");
    assert!(has("LR202", "Billing", "Invoices.sql"), "{findings:?}");
    // $(DatabaseName) in the post-deployment script is the project's database.
    assert!(
        has("LR306", "Inventory", "Script.PostDeployment.sql"),
        "{findings:?}"
    );
    assert_eq!(database(&report, "Inventory")["verdict"], "not-ready");
    assert_eq!(database(&report, "Billing")["verdict"], "not-ready");
    // A script outside any project names no database.
    assert!(
        !findings.iter().any(|(_, _, p)| p.ends_with("loose.sql")),
        "{findings:?}"
    );
    // A folder inside a project, or one of its files, still belongs to it.
    let (report, _) = json(&["scan", "fixtures/ssdt/Inventory/Tables", "--format", "json"]);
    assert_eq!(report["findings"][0]["database"], "Inventory");
    let (report, _) = json(&[
        "scan",
        "fixtures/ssdt/Billing/dbo/Invoices.sql",
        "--format",
        "json",
    ]);
    assert_eq!(report["findings"][0]["database"], "Billing");

    // A project file that is not XML is reported, and its scripts are
    // still read (without it).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Broken.sqlproj"), "<Project>").unwrap();
    std::fs::write(
        dir.path().join("t.sql"),
        "CREATE TABLE dbo.T (B varbinary(max) FILESTREAM NULL)\n",
    )
    .unwrap();
    let (report, _) = json(&["scan", dir.path().to_str().unwrap(), "--format", "json"]);
    let errors = report["instances"][0]["errors"].to_string();
    assert!(
        errors.contains("Broken.sqlproj") && errors.contains("not a database project"),
        "{errors}"
    );
    assert_eq!(errors.matches("Broken.sqlproj").count(), 1, "{errors}");
    assert_eq!(report["findings"][0]["rule"], "LR202");
    assert!(report["findings"][0]["database"].is_null());
}

#[test]
fn rules_and_rule_docs() {
    let list = String::from_utf8(linkready(&["rules"]).stdout).unwrap();
    for id in [
        "LR201", "LR202", "LR203", "LR204", "LR205", "LR209", "LR210", "LR211", "LR215", "LR216",
    ] {
        assert!(list.contains(id), "{id} missing from `linkready rules`");
    }
    let docs = linkready(&["rule", "LR202"]);
    assert_eq!(docs.status.code(), Some(0));
    let docs = String::from_utf8(docs.stdout).unwrap();
    for heading in [
        "# What it does",
        "# Why it matters for the link",
        "# Example",
        "# How to fix",
        "FileStream",
    ] {
        assert!(docs.contains(heading), "{heading} missing:\n{docs}");
    }
    assert_eq!(
        String::from_utf8(linkready(&["rule", "filestream"]).stdout).unwrap(),
        docs
    );
    assert_eq!(linkready(&["rule", "LR999"]).status.code(), Some(2));
    // Names stay whole in a pipe, Microsoft IDs are listed and accepted,
    // and a near miss is answered with the closest names.
    assert!(
        list.lines()
            .any(|line| line.contains("endpoint-certificate-expiry"))
    );
    assert!(
        list.lines()
            .any(|line| line.contains("LR303") && line.contains("XpCmdshell"))
    );
    let by_alias = String::from_utf8(linkready(&["rule", "xpcmdshell"]).stdout).unwrap();
    assert!(by_alias.starts_with("LR303 xp-cmdshell"), "{by_alias}");
    let shared =
        String::from_utf8(linkready(&["rule", "MIHeterogeneousMSDTCTransactSQL"]).stdout).unwrap();
    assert!(shared.starts_with("LR309 "), "{shared}");
    let miss = linkready(&["rule", "endpoint-certificat"]);
    assert_eq!(miss.status.code(), Some(2));
    let stderr = String::from_utf8(miss.stderr).unwrap();
    assert_eq!(
        stderr.trim_end(),
        "linkready: error: no rule \"endpoint-certificat\": did you mean endpoint-certificate-expiry?"
    );
    assert!(Path::new(env!("CARGO_BIN_EXE_linkready")).exists());
}

#[test]
fn suppression_comments_in_scripts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.sql"),
        "USE [Docs]\n\
         -- linkready: ignore LR202 until the blob move in Q3\n\
         CREATE TABLE dbo.A (B varbinary(max) FILESTREAM NULL)\n\
         CREATE TABLE dbo.C (D varbinary(max) FILESTREAM NULL) -- linkready: ignore filestream, LR209\n\
         CREATE TABLE dbo.E (F varbinary(max) FILESTREAM NULL)\n\
         \n\
         -- linkready: ignore LR202\n\
         CREATE TABLE dbo.G (H int)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.sql"),
        "-- linkready: ignore-file LR211\nUSE [Docs]\nALTER DATABASE CURRENT SET RECOVERY SIMPLE\nGO\nALTER DATABASE [Other] SET RECOVERY SIMPLE\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let (report, code) = json(&[
        "scan",
        path,
        "--format",
        "json",
        "--fail-on",
        "prerequisite",
    ]);
    assert_eq!(code, 1, "dbo.E is still a blocker");

    let kept = rule_lines(&report, "findings");
    assert_eq!(kept, [("LR202", 5)]);

    let suppressed = rule_lines(&report, "suppressed");
    assert_eq!(suppressed.len(), 4, "{suppressed:?}");
    assert!(suppressed.contains(&("LR202", 3)) && suppressed.contains(&("LR202", 4)));
    assert_eq!(
        suppressed.iter().filter(|s| s.0 == "LR211").count(),
        2,
        "the whole file"
    );

    let unused = rule_lines(&report, "unused_suppressions");
    assert_eq!(unused, [("LR209", 4), ("LR202", 7)]);

    let table = String::from_utf8(linkready(&["scan", path]).stdout).unwrap();
    assert!(table.contains("4 suppressed"), "{table}");
    assert!(table.contains("Unused suppressions"), "{table}");
}

#[test]
fn executed_strings_are_scanned_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.sql"),
        "USE [Sales]\nGO\n\
         DECLARE @sql nvarchar(max) = N'SELECT * FROM Crm.dbo.Customers';\n\
         SET @sql += N' UNION ALL SELECT * FROM\n   Archive.dbo.Customers WHERE Name = ''x''';\n\
         EXEC (@sql);\n\
         EXEC sp_executesql N'USE [Other]; EXEC master..xp_cmdshell ''dir''';\n\
         ALTER DATABASE CURRENT SET RECOVERY SIMPLE;\n\
         DECLARE @note nvarchar(100) = N'SELECT * FROM Never.dbo.Executed';\n\
         PRINT @note;\n",
    )
    .unwrap();
    let (report, _) = json(&["scan", dir.path().to_str().unwrap(), "--format", "json"]);
    let found: Vec<(String, String, u64, u64, bool)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["database"].as_str().unwrap_or("-").to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
                f["dynamic"].as_bool().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("LR211", "Sales", 8, 28, false),
        ("LR301", "Sales", 3, 46, true),
        ("LR301", "Sales", 5, 4, true),
        ("LR303", "Other", 7, 35, true),
    ];
    let expected: Vec<(String, String, u64, u64, bool)> = expected
        .iter()
        .map(|(r, d, l, c, y)| (r.to_string(), d.to_string(), *l, *c, *y))
        .collect();
    let mut found_sorted = found.clone();
    found_sorted.sort();
    assert_eq!(
        found_sorted, expected,
        "the USE inside dynamic SQL does not leak out"
    );
}

/// (rule, line) of each entry of one of a JSON report's lists.
fn rule_lines<'r>(report: &'r Value, list: &str) -> Vec<(&'r str, u64)> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Copies a folder tree (the sample estate) so a test can change it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn diff_tells_what_moved_between_two_runs() {
    let dir = tempfile::tempdir().unwrap();
    let estate = dir.path().join("estate");
    copy_tree(&common::repo("fixtures/sample-estate"), &estate);
    let scan = |name: &str| {
        let out = dir.path().join(name);
        let output = common::linkready_in(
            &estate,
            &["scan", ".", "--fail-on", "never", "--output", name],
        );
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        std::fs::rename(estate.join(name), &out).unwrap();
        out
    };
    let old = scan("week1.json");
    // Week 2: Reporting back to FULL (LR211 fixed, the database better),
    // lines moved in Documents (its findings are the same ones), and a new
    // xp_cmdshell call in Sales (a new finding; Sales no longer ready).
    let reporting = estate.join("Reporting/Reporting.sql");
    let text = std::fs::read_to_string(&reporting).unwrap();
    std::fs::write(
        &reporting,
        text.replace("SET RECOVERY SIMPLE", "SET RECOVERY FULL"),
    )
    .unwrap();
    let documents = estate.join("Documents/Documents.sql");
    let text = std::fs::read_to_string(&documents).unwrap();
    std::fs::write(&documents, format!("-- moved\n-- down\n{text}")).unwrap();
    let procedures = estate.join("Sales/03-procedures.sql");
    let mut text = std::fs::read_to_string(&procedures).unwrap();
    text.push_str("\nGO\nCREATE PROCEDURE dbo.Export AS EXEC master..xp_cmdshell 'bcp out';\nGO\n");
    std::fs::write(&procedures, text).unwrap();
    let new = scan("week2.json");

    let output = linkready(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "something got worse");
    let diff: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(diff["linkready_diff"], 1);
    assert_eq!(diff["worse"], true);
    let moved: Vec<(String, String)> = diff["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                format!(
                    "{}/{}",
                    c["instance"].as_str().unwrap(),
                    c["database"].as_str().unwrap()
                ),
                c["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        moved.contains(&("scripts/Reporting".into(), "better".into())),
        "{moved:?}"
    );
    assert!(
        moved.contains(&("scripts/Sales".into(), "worse".into())),
        "{moved:?}"
    );
    assert!(
        !moved.iter().any(|(db, _)| db == "scripts/Documents"),
        "{moved:?}"
    );
    let rules = |key: &str| -> Vec<String> {
        diff[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules("fixed"), ["LR211"]);
    assert!(
        rules("new_findings")
            .iter()
            .all(|rule| rule != "LR202" && rule != "LR203"),
        "moved lines are not new findings: {:?}",
        rules("new_findings")
    );
    assert!(!rules("new_findings").is_empty());

    // The same report twice: nothing worse, exit 0; the table says so.
    let output = linkready(&["diff", old.to_str().unwrap(), old.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("not worse: 0 databases worse"), "{text}");

    // HTML by extension, announced in one line.
    let page = dir.path().join("diff.html");
    let output = linkready(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--output",
        page.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("LR211"),
        "{html}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("linkready: wrote "));

    // A SARIF log is not a report diff can read: the file is named.
    let sarif = dir.path().join("r.sarif");
    std::fs::write(&sarif, "{\"version\": \"2.1.0\", \"runs\": []}").unwrap();
    let output = linkready(&["diff", sarif.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("r.sarif: not a linkready JSON report (no schema_version)"),
        "{stderr}"
    );
}

#[test]
fn json_fingerprints_are_the_sarif_ones() {
    let run = |format: &str| -> Value {
        let output = linkready(&[
            "scan",
            "fixtures/sample-estate",
            "--fail-on",
            "never",
            "--format",
            format,
        ]);
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let json = run("json");
    let sarif = run("sarif");
    let from_json: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let from_sarif: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .map(|r| {
            r["partialFingerprints"]["linkreadFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(!from_json.is_empty());
    assert_eq!(from_json, from_sarif);
}

#[test]
fn the_summary_reads_at_a_glance_and_colour_is_asked_for() {
    // Piped (as here): no colour, even with NO_COLOR unset.
    let output = linkready(&["scan", "fixtures/sample-estate", "--fail-on", "never"]);
    let plain = String::from_utf8(output.stdout).unwrap();
    assert!(!plain.contains('\u{1b}'), "no escape codes in a pipe");
    // One line per database: its verdict with a symbol, and what decides it.
    let line = |instance: &str, database: &str| -> String {
        plain
            .lines()
            .find(|line| {
                let cells: Vec<&str> = line
                    .split('┆')
                    .map(|c| c.trim_matches(['│', ' ']))
                    .collect();
                cells.len() > 2 && cells[0] == instance && cells[1] == database
            })
            .unwrap_or_else(|| panic!("{instance}/{database} in\n{plain}"))
            .to_string()
    };
    let documents = line("scripts", "Documents");
    assert!(
        documents.contains("✗ not-ready") && documents.contains("LR202 blocker: FILESTREAM"),
        "{documents}"
    );
    assert!(
        line("SQL01", "Sales").contains("✓ ready")
            && line("SQL01", "Sales").contains("next: linkready scripts")
    );
    assert!(line("SQL02", "Documents").contains("LR102 blocker on the instance"));
    assert!(
        line("scripts", "(instance)").contains("prerequisites not assessed"),
        "the instance row says why"
    );
    // The legend, the checks waiting for [target], where the docs are.
    assert!(
        plain.contains(
            "B/P/W/I: the database's own blocker, prerequisite, warning and info findings"
        )
    );
    assert!(
        plain.contains(
            "5 checks need [target] in linkready.toml to decide (LR112, LR113, LR114, LR208, LR214)"
        ),
        "{plain}"
    );
    assert!(plain.contains("linkready rule LR"));

    // --color always: the verdicts and severities in colour, names still
    // escaped; NO_COLOR does not override an explicit --color always.
    let colored = common::linkready_command(&common::repo("."))
        .args([
            "scan",
            "fixtures/sample-estate",
            "--fail-on",
            "never",
            "--color",
            "always",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let colored = String::from_utf8(colored.stdout).unwrap();
    assert!(
        colored.contains("\u{1b}[38;5;9m ✗ not-ready"),
        "red not-ready: {colored}"
    );
    assert!(colored.contains("\u{1b}[38;5;10m ✓ ready"), "green ready");
    // Without the codes it is the plain report.
    let mut stripped = String::new();
    let mut rest = colored.as_str();
    while let Some(start) = rest.find('\u{1b}') {
        stripped.push_str(&rest[..start]);
        let end = rest[start..].find('m').unwrap();
        rest = &rest[start + end + 1..];
    }
    stripped.push_str(rest);
    assert_eq!(stripped, plain);
    let never = linkready(&[
        "scan",
        "fixtures/sample-estate",
        "--fail-on",
        "never",
        "--color",
        "never",
    ]);
    assert_eq!(String::from_utf8(never.stdout).unwrap(), plain);
}

#[test]
fn explain_answers_a_code_a_pasted_message_and_a_rule_lists_what_it_prevents() {
    let output = linkready(&["explain", "41974"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(
            "Msg 41974: SQL Server does not trust the managed instance's endpoint certificate"
        ),
        "{text}"
    );
    assert!(
        text.contains("Predicted by: LR108 mirroring-endpoint"),
        "{text}"
    );
    assert!(
        text.contains("mssqlserver-41974-database-engine-error.md"),
        "{text}"
    );

    // A message pasted as SSMS shows it, on standard input.
    let mut child = common::linkready_command(&common::repo("."))
        .args(["explain", "-", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Msg 1412, Level 16, State 0, Line 1\r\nThe remote copy of database \"Sales\" has not been rolled forward to a point in time that is encompassed in the local copy of the database log.\r\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["linkready_explain"], 1);
    assert_eq!(json["matches"][0]["code"], 1412);
    assert_eq!(json["matches"][0]["rules"][0]["id"], "LR213");

    // Words without a number: the 2812 of a missing servicing update.
    let output = linkready(&[
        "explain",
        "Could not find stored procedure 'sys.sp_certificate_add_issuer'",
    ]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Msg 2812:"), "{text}");
    assert!(text.contains("LR102 missing-servicing-update"), "{text}");

    // Unknown: exit 2, the codes it knows.
    let output = linkready(&["explain", "99999"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("linkready: error: no link error in \"99999\""),
        "{stderr}"
    );
    // No argument: the list.
    let listing = String::from_utf8(linkready(&["explain"]).stdout).unwrap();
    for code in [
        "1408", "1412", "2812", "19499", "41962", "41973", "41974", "41976", "41977", "41986",
        "47521",
    ] {
        assert!(listing.contains(code), "{code} in\n{listing}");
    }
    // The rule says which errors it prevents.
    let rule = String::from_utf8(linkready(&["rule", "LR213"]).stdout).unwrap();
    assert!(
        rule.contains("# Link errors it prevents\n- 1408:"),
        "{rule}"
    );
}

#[test]
fn network_results_make_a_closed_port_a_blocker_and_their_absence_a_note() {
    let inventories = "fixtures/sample-estate/inventories";
    // Without results: a note for each server, not a pass, not unknown.
    let output = linkready(&[
        "scan",
        inventories,
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let notes: Vec<&Value> = report["unknowns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["rule"] == "LR319")
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(
        notes
            .iter()
            .all(|u| u["needs"] == "network-results" && u["needs_target"] == true)
    );
    let verdict = |report: &Value, name: &str| {
        report["instances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap()["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict(&report, "SQL01"), "ready");
    let table =
        String::from_utf8(linkready(&["scan", inventories, "--fail-on", "never"]).stdout).unwrap();
    assert!(
        table.contains(
            "1 check needs the network test kit's results (--network-results) to decide (LR319)"
        ),
        "{table}"
    );

    // The kit's output for SQL01: one direction closed on 5022, as sqlcmd
    // -o writes it (a message line, padding); the other side fine.
    let dir = tempfile::tempdir().unwrap();
    let mi_to_sql = dir
        .path()
        .join("network-managed-instance-to-sql-server.txt");
    std::fs::write(
        &mi_to_sql,
        "Changed database context to 'msdb'.\r\nnetwork-test|SQL01|managed-instance-to-sql-server|5022|False|10.0.4.15|2026-12-07T09:01:00   \r\n",
    )
    .unwrap();
    let sql_to_mi = dir
        .path()
        .join("network-sql-server-to-managed-instance.txt");
    std::fs::write(
        &sql_to_mi,
        "network-test|SQL01|sql-server-to-managed-instance|5022|True|mi-sample.0123456789ab.database.windows.net|2026-12-07T09:00:00\r\n\
         network-test|SQL01|sql-server-to-managed-instance|11002|True|db123.tr1.westeurope.worker.database.windows.net|2026-12-07T09:00:00\r\n\
         network-test|SQL99|sql-server-to-managed-instance|5022|True|x|2026-12-07T09:00:00\r\n",
    )
    .unwrap();
    let output = linkready(&[
        "scan",
        inventories,
        "--format",
        "json",
        "--fail-on",
        "never",
        "--network-results",
        mi_to_sql.to_str().unwrap(),
        "--network-results",
        sql_to_mi.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(":3: no instance named \"SQL99\""),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verdict(&report, "SQL01"), "not-ready");
    let blockers: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "LR319")
        .collect();
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert_eq!(blockers[0]["severity"], "blocker");
    assert_eq!(
        blockers[0]["message"],
        "port 5022 from the managed instance to SQL Server (10.0.4.15) is closed (tested 2026-12-07T09:01:00)"
    );
    // SQL01 was tested both ways: no note left for it; SQL02 and SQL03 still have one.
    let left: Vec<&str> = report["unknowns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["rule"] == "LR319")
        .map(|u| u["instance"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["SQL02", "SQL02", "SQL03", "SQL03"]);

    // A file that is not the kit's output: exit 2, the file named.
    let output = linkready(&["scan", inventories, "--network-results", "README.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("README.md: no network-test row"));
}
