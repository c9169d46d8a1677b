//! `linkready status` against scripted servers (fixtures/tds/link-*.json,
//! written by fixtures/tds/scenarios.py): each state the troubleshooting
//! page describes gives its verdict and its reason, a failed query is
//! unknown and never healthy, and inventories give the same answers.

#![allow(clippy::unwrap_used)]

mod common;
mod support;

use std::path::Path;

use serde_json::Value;
use support::tds::ScriptedServer;

fn linkready(args: &[&str]) -> std::process::Output {
    common::linkready_command(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .env("SQLCMDPASSWORD", "from-env")
        .env("SOURCE_DATE_EPOCH", "1796126400")
        .output()
        .unwrap()
}

fn connection(server: &ScriptedServer) -> String {
    format!(
        "Server=127.0.0.1,{};User Id=auditor;Encrypt=DANGER_PLAINTEXT",
        server.addr.port()
    )
}

fn scenario_text(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tds")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs `status --format json` against the servers; the JSON and the exit code.
fn status(servers: &[&ScriptedServer], extra: &[&str]) -> (Value, i32, String) {
    let connections: Vec<String> = servers.iter().map(|s| connection(s)).collect();
    let mut args = vec!["status", "--format", "json", "--connect-timeout", "5"];
    for connection in &connections {
        args.push("--server");
        args.push(connection);
    }
    args.extend_from_slice(extra);
    let output = linkready(&args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    (json, output.status.code().unwrap(), stderr)
}

fn links(json: &Value) -> Vec<&Value> {
    json["instances"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["links"].as_array().unwrap())
        .collect()
}

fn keys(link: &Value) -> Vec<&str> {
    link["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect()
}

#[test]
fn each_scenario_gives_its_verdict() {
    let runtime = support::runtime();
    // (scenario, verdict, the reason that must be there, exit code)
    let cases = [
        ("link-healthy", "healthy", None, 0),
        ("link-seeding", "healthy", Some("seeding"), 0),
        ("link-stuck-seeding", "broken", Some("seeding-cancelled"), 1),
        ("link-disconnected", "broken", Some("disconnected"), 1),
        ("link-lagging", "degraded", Some("lagging"), 1),
        ("link-split-brain", "broken", Some("disconnected"), 1),
        (
            "link-expiring-certificate",
            "degraded",
            Some("certificate-expiring"),
            1,
        ),
    ];
    for (name, verdict, key, code) in cases {
        let server = runtime.block_on(ScriptedServer::scenario(name));
        let (json, exit, stderr) = status(&[&server], &[]);
        let found = links(&json);
        assert_eq!(found.len(), 1, "{name}: one link: {json}");
        let link = found[0];
        assert_eq!(link["link"], "DAG_Sales", "{name}");
        assert_eq!(link["health"], verdict, "{name}: {link}");
        if let Some(key) = key {
            assert!(keys(link).contains(&key), "{name}: no {key}: {link}");
        }
        assert_eq!(exit, code, "{name}: {stderr}");
        assert_eq!(json["linkready_status"], 1);
        assert_eq!(link["partner_member"], "mi-prod", "{name}");
        if name == "link-seeding" {
            let database = &link["databases"][0];
            assert_eq!(database["state"], "seeding");
            assert_eq!(database["seeding_percent"], 40);
        }
        if name == "link-lagging" {
            assert_eq!(link["databases"][0]["secondary_lag_seconds"], 1800);
        }
        if name == "link-healthy" {
            assert!(link["reasons"].as_array().unwrap().is_empty(), "{link}");
            assert_eq!(link["local_role"], "PRIMARY");
            assert_eq!(link["databases"][0]["state"], "synchronizing");
        }
    }
}

#[test]
fn both_sides_primary_is_a_split_brain() {
    let runtime = support::runtime();
    let sql = runtime.block_on(ScriptedServer::scenario("link-split-brain"));
    let mi = runtime.block_on(ScriptedServer::scenario("link-split-brain-mi"));
    let (json, exit, stderr) = status(&[&sql, &mi], &[]);
    assert_eq!(exit, 1, "{stderr}");
    let found = links(&json);
    assert_eq!(found.len(), 2, "the link seen from both sides: {json}");
    for link in found {
        assert_eq!(link["health"], "broken", "{link}");
        assert!(keys(link).contains(&"split-brain"), "{link}");
        assert_eq!(link["local_role"], "PRIMARY");
    }
    // The managed instance (EngineEdition 8, version 12.0.2000.8) is read
    // with the newest catalog's queries, not skipped as SQL Server 2014.
    let mi_instance = &json["instances"][1];
    assert!(mi_instance["unknown"].is_null(), "{mi_instance}");
    // The managed instance leads: its first full backup (msdb there) is read.
    assert!(keys(&mi_instance["links"][0]).contains(&"first-full-backup-taken"));
}

/// A scenario changed before it is served.
fn changed(name: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut scenario = scenario_text(name);
    change(&mut scenario);
    scenario.to_string()
}

#[test]
fn risks_while_seeding_and_after_it() {
    let runtime = support::runtime();
    // Log backups since seeding started: errors 1408/1412 ahead.
    let text = changed("link-seeding", |s| {
        s["queries"]["link_seeding"]["rows"][0][11] = 2.into();
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, exit, _) = status(&[&server], &[]);
    let link = links(&json)[0];
    assert_eq!(link["health"], "degraded", "{link}");
    assert!(keys(link).contains(&"log-backup-during-seeding"), "{link}");
    assert_eq!(exit, 1);
    // Trace flag 12381 left on once seeding is done.
    let text = changed("link-healthy", |s| {
        let flags = s["queries"]["trace_flags"]["rows"].as_array_mut().unwrap();
        flags.push(serde_json::json!([12381, 1, 1, 0]));
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, _, _) = status(&[&server], &[]);
    let link = links(&json)[0];
    assert_eq!(link["health"], "degraded", "{link}");
    assert!(keys(link).contains(&"trace-flag-12381"), "{link}");
    // No log backup in a day while SQL Server is primary.
    let text = changed("link-healthy", |s| {
        let rows = s["queries"]["backups"]["rows"].as_array_mut().unwrap();
        rows.retain(|row| row[1] != "L");
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, _, _) = status(&[&server], &[]);
    let link = links(&json)[0];
    assert!(keys(link).contains(&"no-log-backup"), "{link}");
    // A lag within --max-lag is no reason.
    let server = runtime.block_on(ScriptedServer::scenario("link-lagging"));
    let (json, exit, _) = status(&[&server], &["--max-lag", "3600"]);
    assert_eq!(links(&json)[0]["health"], "healthy");
    assert_eq!(exit, 0);
}

#[test]
fn a_link_query_that_fails_alone_is_unknown_never_healthy() {
    let runtime = support::runtime();
    for query in ["links", "link_databases", "link_seeding"] {
        let text = changed("link-healthy", |s| {
            s["queries"][query] = serde_json::json!({"error": {"number": 300,
                "message": "VIEW SERVER STATE permission was denied on object 'server', database 'master'."}});
        });
        let server = runtime.block_on(ScriptedServer::start(&text));
        let (json, exit, stderr) = status(&[&server], &[]);
        assert_eq!(exit, 1, "{query}: {stderr}");
        let instance = &json["instances"][0];
        if query == "links" {
            assert!(
                instance["unknown"]
                    .as_str()
                    .unwrap()
                    .contains("VIEW SERVER STATE"),
                "{query}: {instance}"
            );
            assert_eq!(json["summary"]["instances_unknown"], 1);
        } else {
            let link = links(&json)[0];
            assert_eq!(link["health"], "unknown", "{query}: {link}");
        }
    }
    // A server that never answers: unknown, not "no link".
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let output = linkready(&[
        "status",
        "--format",
        "json",
        "--server",
        &format!("127.0.0.1,{port}"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["instances"][0]["unknown"].is_string(), "{json}");
}

#[test]
fn table_html_and_sarif_escape_what_the_server_says() {
    let runtime = support::runtime();
    let hostile = "DAG_\u{1b}]0;owned\u{7}<script>x</script>";
    let text = changed("link-disconnected", |s| {
        for query in ["links", "link_databases", "link_seeding"] {
            for row in s["queries"][query]["rows"].as_array_mut().unwrap() {
                row[0] = hostile.into();
            }
        }
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let connection = connection(&server);
    let dir = tempfile::tempdir().unwrap();
    for (file, needle) in [
        ("status.txt", "✗ broken"),
        ("status.html", "&lt;script&gt;"),
        ("status.sarif", "\"link-broken\""),
    ] {
        let path = dir.path().join(file);
        let output = linkready(&[
            "status",
            "--server",
            &connection,
            "--output",
            path.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(1), "{file}");
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.contains(needle), "{file}: {written}");
        assert!(!written.contains('\u{1b}'), "{file}: a raw ESC");
        if file.ends_with(".html") {
            assert!(!written.contains("<script>"), "{file}");
        }
        if file.ends_with(".txt") {
            assert!(written.contains("\\x1b"), "{file}: ESC shown as \\x1b");
        }
        if file.ends_with(".sarif") {
            let sarif: Value = serde_json::from_str(&written).unwrap();
            let validator = common::sarif_validator();
            let errors: Vec<String> = validator
                .iter_errors(&sarif)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(sarif["version"], "2.1.0");
            assert_eq!(sarif["runs"][0]["results"][0]["level"], "error");
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("1 link: 0 healthy, 0 degraded, 1 broken"),
            "{stderr}"
        );
    }
}

/// `inventory` as an inventory written before the link queries existed,
/// saved in `folder` under the same name.
fn without_link_rows(inventory: &Path, folder: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(inventory).unwrap();
    let mut document: Value = serde_json::from_str(&text).unwrap();
    document["results"]
        .as_array_mut()
        .unwrap()
        .retain(|r| !r["query"].as_str().unwrap().starts_with("link"));
    let path = folder.join(inventory.file_name().unwrap());
    std::fs::write(&path, document.to_string()).unwrap();
    path
}

#[test]
fn inventories_carry_the_link_rows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The sample estate: SQL03's Orders is linked to mi-prod; SQL01 and SQL02 have no link.
    let dir = root.join("fixtures/sample-estate/inventories");
    let output = linkready(&[
        "status",
        "--inventory",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let found = links(&json);
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0]["link"], "DAG_Orders");
    assert_eq!(found[0]["health"], "healthy");
    // An inventory written before the link queries existed: unknown, exit 1.
    let old = tempfile::tempdir().unwrap();
    let path = without_link_rows(&dir.join("sql03.inventory.json"), old.path());
    let output = linkready(&["status", "--inventory", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("links not read: links: missing from the inventory"),
        "{table}"
    );
    // The same from a server in no availability group: no database can be
    // linked there, which the old inventory shows (LR321 passes too).
    let path = without_link_rows(&dir.join("sql01.inventory.json"), old.path());
    let output = linkready(&["status", "--inventory", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let output = linkready(&["scan", path.to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        !report["unknowns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["rule"] == "LR321"),
        "{}",
        report["unknowns"]
    );
    // Not an inventory: exit 2, said.
    let bad = old.path().join("bad.inventory.json");
    std::fs::write(&bad, "not json").unwrap();
    let output = linkready(&["status", "--inventory", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a linkready inventory"));
}

/// The README shows `status` on the sample estate: the output it shows is
/// the output it gets.
#[test]
fn the_readme_shows_the_sample_estates_status_as_it_is() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = "$ linkready status --inventory fixtures/sample-estate/inventories\n";
    let start = readme.find(command).expect("the README shows status") + command.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let output = linkready(&[
        "status",
        "--inventory",
        "fixtures/sample-estate/inventories",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), shown);
}

#[test]
fn what_seeding_and_failover_look_like_is_not_a_failure() {
    let runtime = support::runtime();
    // While every database seeds, NOT_HEALTHY is seeding, not a break.
    let text = changed("link-seeding", |s| {
        s["queries"]["links"]["rows"][1][7] = "NOT_HEALTHY".into();
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, exit, _) = status(&[&server], &[]);
    let link = links(&json)[0];
    assert_eq!(link["health"], "healthy", "{link}");
    assert!(keys(link).contains(&"not-healthy-while-seeding"));
    assert_eq!(exit, 0);
    // Log backups during seeding with trace flag 12381 on: a note.
    let text = changed("link-seeding", |s| {
        s["queries"]["link_seeding"]["rows"][0][11] = 4.into();
        let flags = s["queries"]["trace_flags"]["rows"].as_array_mut().unwrap();
        flags.push(serde_json::json!([12381, 1, 1, 0]));
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, _, _) = status(&[&server], &[]);
    let link = links(&json)[0];
    assert_eq!(link["health"], "healthy", "{link}");
    assert!(keys(link).contains(&"log-backup-during-seeding"));
    // A FAILED seeding row while the database replicates: a note.
    let text = changed("link-healthy", |s| {
        s["queries"]["link_seeding"]["rows"][0][2] = "FAILED".into();
        s["queries"]["link_seeding"]["rows"][0][3] = "Seeding Check Message Timeout".into();
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, _, _) = status(&[&server], &[]);
    let link = links(&json)[0];
    assert_eq!(link["health"], "healthy", "{link}");
    assert!(keys(link).contains(&"seeding-failed-but-replicating"));
    // REVERTING: no failover now.
    let text = changed("link-healthy", |s| {
        s["queries"]["link_databases"]["rows"][1][4] = "REVERTING".into();
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, _, _) = status(&[&server], &[]);
    assert_eq!(links(&json)[0]["health"], "degraded");
    // No row from the secondary: not known, never the primary's SYNCHRONIZED.
    let text = changed("link-healthy", |s| {
        s["queries"]["link_databases"]["rows"]
            .as_array_mut()
            .unwrap()
            .pop();
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, exit, _) = status(&[&server], &[]);
    let link = links(&json)[0];
    assert_eq!(link["health"], "unknown", "{link}");
    assert!(keys(link).contains(&"database-state-unread"));
    assert_eq!(exit, 1);
}

#[test]
fn which_groups_are_links_and_which_sides_are_one_link() {
    let runtime = support::runtime();
    // A managed instance outside the public cloud: its LISTENER_URL's
    // `;Server=[…]` says what it is.
    let text = changed("link-healthy", |s| {
        s["queries"]["links"]["rows"][1][2] =
            "tcp://mi-prod.0a1b2c3d4e5f.database.usgovcloudapi.net:5022;Server=[mi-prod]".into();
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, _, _) = status(&[&server], &[]);
    assert_eq!(links(&json).len(), 1, "{json}");
    // A distributed group between two SQL Server groups is not a link.
    let text = changed("link-healthy", |s| {
        s["queries"]["links"]["rows"][1][2] = "TCP://10.0.9.9:5022".into();
    });
    let server = runtime.block_on(ScriptedServer::start(&text));
    let (json, exit, _) = status(&[&server], &[]);
    assert!(links(&json).is_empty(), "{json}");
    assert_eq!(exit, 0);
    // Two servers whose groups share a name but not their members: two
    // links, no split brain.
    let first = runtime.block_on(ScriptedServer::scenario("link-healthy"));
    let text = changed("link-healthy", |s| {
        for query in ["links", "link_databases"] {
            for row in s["queries"][query]["rows"].as_array_mut().unwrap() {
                if row[1] == "AG_Sales" {
                    row[1] = "AG_Sales_Paris".into();
                }
            }
        }
    });
    let second = runtime.block_on(ScriptedServer::start(&text));
    let (json, exit, _) = status(&[&first, &second], &[]);
    assert_eq!(exit, 0, "{json}");
    for link in links(&json) {
        assert!(!keys(link).contains(&"split-brain"), "{link}");
    }
    // SQL Server 2014 has no distributed groups: no link, known.
    let server = runtime.block_on(ScriptedServer::scenario("sql2014"));
    let (json, exit, _) = status(&[&server], &[]);
    assert!(json["instances"][0]["unknown"].is_null(), "{json}");
    assert_eq!(exit, 0);
}
