//! Verdict truth (issue 16): a database can be linked only if its instance
//! can; the exit code table of the README, one test per row; `--database`
//! never invents a database; statements that name no database create none.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{linkready, linkready_command, linkready_in, repo};
use serde_json::Value;

/// The sample SQL01 inventory with some results replaced, written to `dir`.
fn sql01_with(dir: &Path, name: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let text = std::fs::read_to_string(repo(
        "fixtures/sample-estate/inventories/sql01.inventory.json",
    ))
    .unwrap();
    let mut inventory: Value = serde_json::from_str(&text).unwrap();
    change(&mut inventory);
    let path = dir.join(format!("{name}.inventory.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&inventory).unwrap()).unwrap();
    path
}

fn result<'v>(inventory: &'v mut Value, query: &str) -> &'v mut Value {
    inventory["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["query"] == query)
        .unwrap()
}

/// SQL01 as SQL Server 2019 CU19 (15.0.4298.1): below the link's CU20.
fn sql2019_cu19(dir: &Path) -> PathBuf {
    sql01_with(dir, "sql2019-cu19", |inventory| {
        let properties = &mut result(inventory, "server_properties")["rows"][0];
        properties["product_version"] = "15.0.4298.1".into();
        properties["version_text"] = "Microsoft SQL Server 2019 (RTM-CU19) (KB5023049) - 15.0.4298.1 (X64)\n\tEnterprise Edition: Core-based Licensing (64-bit) on Windows Server 2019 Datacenter 10.0 <X64> (Build 17763: )".into();
    })
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_instance_blocker_reaches_every_database_and_no_script_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = sql2019_cu19(dir.path());
    let output = linkready(&[
        "scan",
        "--inventory",
        inventory.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    let instance = &report["instances"][0];
    assert_eq!(instance["verdict"], "not-ready");
    assert_eq!(instance["instance_prerequisites"], "assessed");
    let databases = instance["databases"].as_array().unwrap();
    assert_eq!(databases.len(), 3);
    for database in databases {
        assert_eq!(database["verdict"], "not-ready", "{database}");
        assert!(database["score"].as_u64().unwrap() <= 49, "{database}");
        let inherited = database["inherited"].as_array().unwrap();
        assert_eq!(inherited[0]["rule"], "LR102", "{database}");
        assert_eq!(inherited[0]["outcome"], "finding");
        assert_eq!(inherited[0]["severity"], "blocker");
        assert!(
            inherited[0]["message"]
                .as_str()
                .unwrap()
                .contains("15.0.4298.1")
        );
    }
    assert_eq!(report["estate"]["databases"]["not-ready"], 3);
    assert_eq!(report["estate"]["databases"]["ready"], 0);

    // The table names the inherited cause on each database row.
    let table = linkready(&["scan", "--inventory", inventory.to_str().unwrap()]);
    let text = String::from_utf8(table.stdout).unwrap();
    for name in ["Sales", "Billing", "Crm"] {
        let row = text
            .lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .unwrap();
        assert!(row.contains("not-ready") && row.contains("LR102"), "{row}");
    }
    // CSV: every row of a database carries its inherited cause.
    let csv = linkready(&[
        "scan",
        "--inventory",
        inventory.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with("\"database_inherited\"")
    );

    // No bundle for a database whose instance cannot link; the index says why.
    let config = dir.path().join("linkready.toml");
    std::fs::write(
        &config,
        "[target]\nname = \"mi\"\nresource_group = \"rg\"\nsubscription = \"00000000-0000-0000-0000-000000000000\"\nfqdn = \"mi.abc.database.windows.net\"\nupdate_policy = \"SQLServer2022\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let scripts = linkready_in(
        dir.path(),
        &[
            "scripts",
            "--inventory",
            inventory.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(scripts.status.code(), Some(1), "{}", stderr(&scripts));
    let written: Vec<_> = walk(&out);
    assert_eq!(
        written,
        [out.join("README.md")],
        "only the index is written"
    );
    let index = std::fs::read_to_string(out.join("README.md")).unwrap();
    for name in ["Sales", "Billing", "Crm"] {
        let line = index
            .lines()
            .find(|l| l.contains(&format!("`{name}`")))
            .unwrap();
        assert!(line.contains("LR102"), "{line}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn a_failed_query_in_an_inventory_makes_its_databases_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = sql01_with(dir.path(), "denied", |inventory| {
        let groups = result(inventory, "availability_groups");
        groups["rows"] = Value::Array(Vec::new());
        groups["error"] =
            "Msg 229: The SELECT permission was denied on the object 'availability_groups'".into();
    });
    let output = linkready(&[
        "scan",
        "--inventory",
        inventory.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report = json_of(&output);
    for database in report["instances"][0]["databases"].as_array().unwrap() {
        assert_eq!(database["verdict"], "unknown", "{database}");
        assert!(database["score"].is_null());
    }
    let unknowns = report["unknowns"].as_array().unwrap();
    assert!(unknowns.iter().any(|u| {
        u["rule"] == "LR207"
            && u["database"] == "Sales"
            && u["reason"]
                .as_str()
                .unwrap()
                .contains("availability_groups: Msg 229")
    }));
    // Unknown fails the run at every level but never.
    for level in ["blocker", "prerequisite", "warning"] {
        let code = linkready(&[
            "scan",
            "--inventory",
            inventory.to_str().unwrap(),
            "--fail-on",
            level,
        ])
        .status
        .code();
        assert_eq!(code, Some(1), "--fail-on {level}");
    }
    let never = linkready(&[
        "scan",
        "--inventory",
        inventory.to_str().unwrap(),
        "--fail-on",
        "never",
    ]);
    assert_eq!(never.status.code(), Some(0));
}

#[test]
fn without_the_database_list_the_instance_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = sql01_with(dir.path(), "no-list", |inventory| {
        let databases = result(inventory, "databases");
        databases["rows"] = Value::Array(Vec::new());
        databases["error"] = "Msg 229: permission denied".into();
    });
    let report = json_of(&linkready(&[
        "scan",
        "--inventory",
        inventory.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let instance = &report["instances"][0];
    assert_eq!(instance["verdict"], "unknown");
    assert!(instance["score"].is_null());
    assert!(instance["errors"].as_array().unwrap().iter().any(|e| {
        e.as_str()
            .unwrap()
            .starts_with("databases could not be listed")
    }));
    assert_eq!(report["estate"]["instances"]["unknown"], 1);
}

// The exit codes (README "Exit codes"), one test per row.

#[test]
fn exit_0_nothing_at_or_above_fail_on_and_nothing_unknown() {
    assert_eq!(
        linkready(&["scan", "fixtures/sample-estate/Sales"])
            .status
            .code(),
        Some(0)
    );
    // Script input: instance prerequisites "not assessed" do not fail a run.
    let report = json_of(&linkready(&[
        "scan",
        "fixtures/sample-estate/Sales",
        "--format",
        "json",
    ]));
    assert_eq!(
        report["instances"][0]["instance_prerequisites"],
        "not-assessed"
    );
    assert_eq!(report["instances"][0]["verdict"], "ready");
}

#[test]
fn exit_1_a_finding_at_or_above_fail_on() {
    assert_eq!(
        linkready(&["scan", "fixtures/sample-estate"]).status.code(),
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
}

#[test]
fn exit_1_a_server_that_refuses_the_connection_at_every_level_but_never() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = format!("Server=127.0.0.1,{port};User Id=u;Encrypt=DANGER_PLAINTEXT");
    for (level, expected) in [
        ("blocker", 1),
        ("prerequisite", 1),
        ("warning", 1),
        ("never", 0),
    ] {
        let output = linkready_command(&repo("."))
            .args([
                "scan",
                "--server",
                &server,
                "--connect-timeout",
                "2",
                "--fail-on",
                level,
            ])
            .env("SQLCMDPASSWORD", "p")
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(expected),
            "--fail-on {level}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn exit_2_nothing_to_assess() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "no T-SQL here").unwrap();
    let output = linkready_in(dir.path(), &["scan", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("nothing to assess in ."),
        "{}",
        stderr(&output)
    );
    assert!(
        output.stdout.is_empty(),
        "no report when nothing was assessed"
    );
}

#[test]
fn exit_2_a_bad_inventory_found_under_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.inventory.json"), "{ \"results\": [").unwrap();
    std::fs::write(dir.path().join("ok.sql"), "SELECT 1;\n").unwrap();
    let output = linkready_in(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken.inventory.json"),
        "{}",
        stderr(&output)
    );
    let report = json_of(&output);
    let inventory = &report["inputs"]["inventories"][0];
    assert_eq!(inventory["status"], "error");
    assert_eq!(
        report["instances"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["verdict"] == "unknown")
            .count(),
        1
    );
}

#[test]
fn exit_2_a_database_that_matches_nothing_says_the_closest_names() {
    let inventory = repo("fixtures/sample-estate/inventories/sql01.inventory.json");
    let output = linkready(&[
        "scan",
        "--inventory",
        inventory.to_str().unwrap(),
        "--database",
        "Salez",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean Sales?"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    // With scripts: a selection never becomes a database of its own.
    let output = linkready(&[
        "scan",
        "fixtures/sample-estate/Documents",
        "--database",
        "NoSuchDb",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("NoSuchDb"));
}

#[test]
fn exit_2_a_missing_path_or_a_usage_error() {
    assert_eq!(linkready(&["scan", "no/such/dir"]).status.code(), Some(2));
    assert_eq!(
        linkready(&["scan", "--format", "yaml"]).status.code(),
        Some(2)
    );
}

#[test]
fn statements_that_name_no_database_create_none() {
    let dir = repo("fixtures/no-database");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let output = linkready(&["scan", path.to_str().unwrap(), "--format", "json"]);
        let report = json_of(&output);
        let names: Vec<&str> = report["instances"][0]["databases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|db| db["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Sales"], "{}", path.display());
        // The FILESTREAM table after the statement stays in Sales.
        let filestream = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "LR202")
            .unwrap();
        assert_eq!(filestream["database"], "Sales", "{}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 7);
}

/// No output of any format, stream or command shows the password, whatever
/// fails (issue 14): a refused connection, a malformed connection string
/// with a password in it, a server list with one.
#[test]
fn no_output_shows_the_password() {
    const SECRET: &str = "Sup3rS3cret-Zq";
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("servers.txt");
    std::fs::write(
        &list,
        format!("Server=127.0.0.1,{port};User Id=u;Encrypt=DANGER_PLAINTEXT\nServer=h,1;User Id=u;Application Name={{a;b}};Password={SECRET}\n"),
    )
    .unwrap();
    let refused = format!("Server=127.0.0.1,{port};User Id=u;Encrypt=DANGER_PLAINTEXT");
    let cases: Vec<Vec<String>> = vec![
        vec!["--server".into(), refused.clone()],
        vec![
            "--server".into(),
            format!("Server=h,1;User Id=u;Password={SECRET};junk"),
        ],
        vec![
            "--server".into(),
            format!("Server=h,1;User Id=u;Application Name=\"a\"\"b\";Password={SECRET}"),
        ],
        vec!["--servers".into(), list.to_str().unwrap().to_string()],
    ];
    for case in &cases {
        for format in ["table", "json", "csv", "sarif", "html"] {
            let report = dir.path().join(format!("report.{format}"));
            let mut args: Vec<String> = vec!["scan".into()];
            args.extend(case.iter().cloned());
            args.extend([
                "--connect-timeout".into(),
                "2".into(),
                "--format".into(),
                format.into(),
                "--output".into(),
                report.to_str().unwrap().into(),
            ]);
            let output = linkready_command(dir.path())
                .args(&args)
                .env("SQLCMDPASSWORD", SECRET)
                .output()
                .unwrap();
            let written = std::fs::read_to_string(&report).unwrap_or_default();
            for (what, text) in [
                (
                    "stdout",
                    String::from_utf8_lossy(&output.stdout).into_owned(),
                ),
                ("stderr", stderr(&output)),
                ("report", written),
            ] {
                assert!(!text.contains(SECRET), "{case:?} {format} {what}: {text}");
            }
        }
    }
    let collect = linkready_command(dir.path())
        .args([
            "collect",
            "--server",
            &refused,
            "--connect-timeout",
            "2",
            "--output",
        ])
        .arg(dir.path().join("x.inventory.json"))
        .env("SQLCMDPASSWORD", SECRET)
        .output()
        .unwrap();
    let inventory =
        std::fs::read_to_string(dir.path().join("x.inventory.json")).unwrap_or_default();
    assert!(!stderr(&collect).contains(SECRET) && !inventory.contains(SECRET));
}

/// Names and paths reach the terminal as visible escapes, never as control
/// characters or bidi overrides (issue 14); CSV defuses a leading line feed.
#[test]
fn hostile_names_and_paths_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let file_name = "evil\u{1b}]0;owned\u{7}\u{202e}lqs.sql";
    std::fs::write(
        dir.path().join(file_name),
        "USE [Sales\u{1b}[2J\r\nFindings for forged\u{0}];\nGO\nCREATE TABLE dbo.T (c varbinary(max) FILESTREAM);\n",
    )
    .unwrap();
    let inventory = sql01_with(dir.path(), "names", |inventory| {
        let databases = result(inventory, "databases");
        databases["rows"][0]["name"] = "\nBilling\u{202e}".into();
    });
    let output = linkready_in(
        dir.path(),
        &["scan", ".", "--inventory", inventory.to_str().unwrap()],
    );
    let text = String::from_utf8(output.stdout).unwrap();
    for hazard in ['\u{1b}', '\u{7}', '\u{0}', '\u{202e}', '\r'] {
        assert!(
            !text.contains(hazard),
            "{hazard:?} reached the terminal:\n{text}"
        );
    }
    assert!(text.contains("\\x1b"), "{text}");
    assert!(text.contains("\\u{202e}"), "{text}");
    assert!(
        !text
            .lines()
            .any(|line| line.starts_with("Findings for forged")),
        "{text}"
    );
    std::fs::write(
        dir.path().join("lf.sql"),
        "USE [\nLF];\nGO\nCREATE TABLE dbo.T (c varbinary(max) FILESTREAM);\n",
    )
    .unwrap();
    let csv = linkready_in(dir.path(), &["scan", "lf.sql", "--format", "csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.contains(",\"'\nLF\","),
        "a field starting with a line feed is defused: {csv}"
    );
    assert!(!csv.contains(",\"\nLF"), "{csv}");
}
