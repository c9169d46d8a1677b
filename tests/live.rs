//! The live path against a scripted TDS server that speaks the real protocol
//! to the real tiberius client: one scenario per situation, each asserting
//! the findings, the verdict, the login the server saw, and that the
//! collector wrote nothing.

#![allow(clippy::unwrap_used)]

mod common;
mod support;

use linkready::collect::live::connection::parse_server;
use linkready::{ScanRequest, run_scan};
use linkready_reports::Report;
use support::tds::{ScriptedServer, writes};

struct Run {
    report: Report,
    server: ScriptedServer,
    _runtime: tokio::runtime::Runtime,
}

fn assess(scenario: &str) -> Run {
    let runtime = support::runtime();
    let server = runtime.block_on(ScriptedServer::scenario(scenario));
    let conn = format!(
        "Server=127.0.0.1,{};User Id=linkready;Encrypt=DANGER_PLAINTEXT;Database=master",
        server.addr.port()
    );
    let request = ScanRequest {
        servers: vec![parse_server(&conn).unwrap()],
        password: Some("s3cret;'\"pw".to_string()),
        live: support::live_options(4),
        ..ScanRequest::default()
    };
    let report = run_scan(&request);
    Run {
        report,
        server,
        _runtime: runtime,
    }
}

fn rules(run: &Run) -> Vec<&'static str> {
    run.report
        .assessment
        .findings
        .iter()
        .map(|f| f.rule.id)
        .collect()
}

fn verdict(run: &Run) -> &'static str {
    run.report.assessment.instances[0].verdict.as_str()
}

fn assert_read_only(run: &Run) {
    let recorded = run.server.recorded();
    for statement in &recorded.statements {
        assert!(
            !writes(statement),
            "the collector sent a statement that writes: {statement}"
        );
        assert!(
            statement.starts_with("-- linkready:"),
            "untagged statement: {statement}"
        );
    }
}

/// Findings as `rule:database` (`-` for the instance), in report order,
/// without the LR115 inventory of server objects every scenario has.
fn found(run: &Run) -> Vec<String> {
    run.report
        .assessment
        .findings
        .iter()
        .filter(|f| f.rule.id != "LR115")
        .map(|f| format!("{}:{}", f.rule.id, f.database.as_deref().unwrap_or("-")))
        .collect()
}

fn database_verdict(run: &Run, name: &str) -> &'static str {
    let instance = &run.report.assessment.instances[0];
    instance
        .databases
        .iter()
        .find(|d| d.name == name)
        .unwrap()
        .verdict
        .as_str()
}

#[test]
fn sql_server_2022_ready() {
    let run = assess("sql2022-ready");
    assert_eq!(found(&run), Vec::<String>::new());
    assert_eq!(rules(&run), ["LR115"], "server objects are listed as info");
    assert_eq!(verdict(&run), "ready");
    assert_eq!(database_verdict(&run, "Sales"), "ready");
    let recorded = run.server.recorded();
    assert_eq!(recorded.user.as_deref(), Some("linkready"));
    assert_eq!(
        recorded.password.as_deref(),
        Some("s3cret;'\"pw"),
        "the password reached the server intact"
    );
    assert_eq!(recorded.database.as_deref(), Some("master"));
    assert_eq!(recorded.application.as_deref(), Some("linkready"));
    assert!(recorded.statements.iter().any(|s| {
        s.contains("\n-- linkready:database_objects:Sales\nSELECT CAST(")
            && s.contains("\nEXEC [Sales].sys.sp_executesql N'SELECT")
    }));
    assert!(
        recorded
            .statements
            .iter()
            .any(|s| s.contains("N'-- linkready:trace_flags\nDBCC TRACESTATUS(-1)"))
    );
    assert_read_only(&run);
    assert!(
        run.report.assessment.instances[0].errors.is_empty(),
        "{:?}",
        run.report.assessment.instances[0].errors
    );
    assert_eq!(run.report.assessment.instances[0].score, Some(100));
    // Target-dependent rules say what they would need, without spoiling the verdict.
    let needs: Vec<&str> = run
        .report
        .assessment
        .unknowns
        .iter()
        .filter(|u| u.needs == Some(linkready_rules::Needs::Target))
        .map(|u| u.rule.id)
        .collect();
    assert_eq!(needs, ["LR112", "LR113", "LR114", "LR208", "LR214"]);
    // The network is a note until the kit's results are given.
    assert!(
        run.report.assessment.unknowns.iter().any(
            |u| u.rule.id == "LR319" && u.needs == Some(linkready_rules::Needs::NetworkResults)
        )
    );
    let size = run
        .report
        .assessment
        .unknowns
        .iter()
        .find(|u| u.rule.id == "LR208")
        .unwrap();
    assert!(size.reason.contains("2048 MB"), "{}", size.reason);
    assert!(
        run.report
            .assessment
            .unknowns
            .iter()
            .all(|u| u.needs_target),
        "{:?}",
        run.report.assessment.unknowns
    );
}

#[test]
fn below_the_minimum_cumulative_update() {
    let run = assess("sql2019-below-cu20");
    assert_eq!(found(&run), ["LR102:-"]);
    assert!(
        run.report.assessment.findings[0]
            .message
            .contains("15.0.4312.2")
    );
    assert_eq!(verdict(&run), "not-ready");
    assert_read_only(&run);
}

#[test]
fn sql_server_2016_without_the_azure_connect_pack() {
    let run = assess("sql2016-sp3-no-azure-connect");
    assert_eq!(found(&run), ["LR102:-", "LR106:-"]);
    let grants = run
        .report
        .assessment
        .findings
        .iter()
        .find(|f| f.rule.id == "LR106")
        .unwrap();
    assert!(
        grants
            .message
            .contains("ALTER ANY AVAILABILITY GROUP, VIEW SERVER STATE"),
        "{}",
        grants.message
    );
    assert!(
        run.report.assessment.findings[0]
            .message
            .contains("Azure Connect pack")
    );
    let statements = run.server.recorded().statements;
    assert!(
        statements
            .iter()
            .any(|s| s.contains("\n-- linkready:system_grants\n")),
        "2016 reads the WSFC grants"
    );
    assert!(statements.iter().any(|s| s.contains("is_remote_data_archive_enabled AS int) AS is_stretch_enabled,\n       CAST(NULL AS int) AS is_adr_on")), "2016 gets the query without ADR");
    assert_read_only(&run);
}

#[test]
fn sql_server_2014_cannot_be_linked() {
    let run = assess("sql2014");
    assert_eq!(found(&run), ["LR101:-"]);
    assert_eq!(verdict(&run), "not-ready");
    assert_eq!(
        run.server.recorded().statements.len(),
        1,
        "only the version is read from a 2014 server"
    );
    assert_read_only(&run);
}

#[test]
fn express_edition() {
    let run = assess("express");
    assert_eq!(found(&run), ["LR103:-", "LR105:-"]);
    assert_read_only(&run);
}

#[test]
fn hadr_off_and_no_master_key() {
    let run = assess("hadr-off");
    assert_eq!(found(&run), ["LR105:-", "LR107:-", "LR110:-"]);
    assert_eq!(verdict(&run), "ready-with-conditions");
    let finding = &run.report.assessment.findings[0];
    assert!(
        matches!(&finding.origin, linkready_rules::Origin::Live { object, .. } if object == "SERVERPROPERTY('IsHadrEnabled')")
    );
    assert_read_only(&run);
}

#[test]
fn windows_client_host() {
    let run = assess("windows-client");
    assert_eq!(found(&run), ["LR104:-"]);
    assert!(
        run.report.assessment.findings[0]
            .message
            .contains("Windows 10 Pro")
    );
    assert_read_only(&run);
}

#[test]
fn permission_denied_is_unknown_not_absent() {
    let run = assess("permission-denied");
    assert_eq!(found(&run), ["LR111:-"]);
    let unknown: Vec<String> = run
        .report
        .assessment
        .unknowns
        .iter()
        .map(|u| format!("{}:{}", u.rule.id, u.database.as_deref().unwrap_or("-")))
        .collect();
    for expected in [
        "LR107:-",
        "LR110:-",
        "LR202:Sales",
        "LR203:Sales",
        "LR205:Sales",
    ] {
        assert!(
            unknown.iter().any(|u| u == expected),
            "{expected} not unknown: {unknown:?}"
        );
    }
    assert_eq!(
        database_verdict(&run, "Sales"),
        "unknown",
        "a database whose objects were denied is not ready"
    );
    let errors = &run.report.assessment.instances[0].errors;
    assert!(
        errors
            .iter()
            .any(|e| e.contains("master_key") && e.contains("229")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("database_objects:Sales") && e.contains("916")),
        "{errors:?}"
    );
    assert_read_only(&run);
}

#[test]
fn filestream_and_filetable() {
    let run = assess("filestream-filetable");
    assert_eq!(
        found(&run),
        ["LR202:Docs", "LR202:Docs", "LR202:Docs", "LR203:Docs"]
    );
    assert_eq!(database_verdict(&run, "Docs"), "not-ready");
    assert_eq!(database_verdict(&run, "Sales"), "ready");
    let filetable = run
        .report
        .assessment
        .findings
        .iter()
        .find(|f| f.rule.id == "LR203")
        .unwrap();
    assert_eq!(filetable.object.as_deref(), Some("dbo.Inbox"));
    assert!(
        matches!(&filetable.origin, linkready_rules::Origin::Live { database: Some(db), .. } if db == "Docs")
    );
    assert_read_only(&run);
}

#[test]
fn in_memory_oltp_with_two_containers() {
    let run = assess("in-memory");
    assert_eq!(
        found(&run),
        [
            "LR205:Orders",
            "LR205:Orders",
            "LR205:Orders",
            "LR205:Orders"
        ]
    );
    assert!(
        run.report
            .assessment
            .findings
            .iter()
            .any(|f| f.message.contains("2 memory-optimized containers"))
    );
    assert_read_only(&run);
}

#[test]
fn a_restoring_database_is_not_ready_and_not_entered() {
    let run = assess("restoring-database");
    assert_eq!(found(&run), ["LR206:Reports"]);
    assert_eq!(database_verdict(&run, "Reports"), "not-ready");
    assert_eq!(database_verdict(&run, "Sales"), "ready");
    assert!(
        !run.server
            .recorded()
            .statements
            .iter()
            .any(|s| s.contains("database_objects:Reports"))
    );
    assert_read_only(&run);
}

#[test]
fn startup_trace_flags_count_and_log_shipping_is_found() {
    let run = assess("startup-flags-log-shipping");
    assert_eq!(found(&run), ["LR110:-", "LR311:Sales"]);
    let flags = run
        .report
        .assessment
        .findings
        .iter()
        .find(|f| f.rule.id == "LR110")
        .unwrap();
    assert!(
        flags.message.contains("1800") && !flags.message.contains("9567"),
        "{}",
        flags.message
    );
    assert!(
        run.report
            .assessment
            .findings
            .iter()
            .any(|f| f.message.contains("log shipping"))
    );
    assert_read_only(&run);
}

#[test]
fn several_log_files() {
    let run = assess("several-log-files");
    assert_eq!(found(&run), ["LR204:Sales"]);
    assert_read_only(&run);
}

#[test]
fn availability_group_with_other_databases() {
    let run = assess("ag-with-other-databases");
    assert_eq!(found(&run), ["LR207:Billing", "LR207:Sales"]);
    assert_eq!(database_verdict(&run, "Sales"), "not-ready");
    assert_read_only(&run);
}

#[test]
fn contained_ag_blocks_and_a_single_database_ag_is_reusable() {
    let run = assess("contained-and-single-ags");
    let findings: Vec<String> = run
        .report
        .assessment
        .findings
        .iter()
        .filter(|f| f.rule.id == "LR207")
        .map(|f| {
            format!(
                "{}:{}:{}",
                f.database.as_deref().unwrap_or("-"),
                f.severity,
                f.object.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        findings,
        ["Billing:info:AG_Billing", "Sales:blocker:CAG_Sales"]
    );
    assert_eq!(database_verdict(&run, "Billing"), "ready");
    assert_eq!(database_verdict(&run, "Sales"), "not-ready");
    assert!(
        run.server
            .recorded()
            .statements
            .iter()
            .any(|s| s.contains("ag.is_contained")),
        "2022 reads contained AGs"
    );
    assert_read_only(&run);
}

#[test]
fn tde_certificate_must_be_migrated() {
    let run = assess("tde");
    assert_eq!(found(&run), ["LR210:Sales"]);
    assert!(
        run.report
            .assessment
            .findings
            .iter()
            .any(|f| f.message.contains("TDE_Cert"))
    );
    assert_eq!(database_verdict(&run, "Sales"), "ready-with-conditions");
    assert_read_only(&run);
}

#[test]
fn copy_only_backups_and_frequent_log_backups() {
    let run = assess("copy-only-backups");
    assert_eq!(found(&run), ["LR212:Sales", "LR213:Sales"]);
    assert!(
        run.report
            .assessment
            .findings
            .iter()
            .any(|f| f.message.contains("COPY_ONLY"))
    );
    assert_read_only(&run);
}

#[test]
fn module_code_job_steps_and_server_objects() {
    let run = assess("after-failover");
    assert_eq!(
        found(&run),
        [
            "LR109:-",
            "LR116:-",
            "LR302:-",
            "LR305:-",
            "LR117:-",
            "LR301:Sales",
            "LR303:Sales"
        ]
    );
    let xp = run
        .report
        .assessment
        .findings
        .iter()
        .find(|f| f.rule.id == "LR303")
        .unwrap();
    assert!(
        matches!(&xp.origin, linkready_rules::Origin::Live { database: Some(db), object, .. } if db == "Sales" && object.starts_with("dbo.Export")),
        "{:?}",
        xp.origin
    );
    assert_read_only(&run);
}

#[test]
fn login_failure_is_not_assessed() {
    let run = assess("login-failure");
    let instance = &run.report.assessment.instances[0];
    assert_eq!(instance.verdict.as_str(), "unknown");
    assert_eq!(instance.score, None);
    assert!(
        instance.errors[0].contains("Login failed"),
        "{:?}",
        instance.errors
    );
    assert!(rules(&run).is_empty());
    assert!(run.server.recorded().statements.is_empty());
    let estate = run.report.assessment.estate();
    assert_eq!(estate.instances.unknown, 1);
    assert_eq!(estate.databases.total(), 0);
    assert_eq!(estate.not_assessed.len(), 1);
    assert!(estate.not_assessed[0].reasons[0].contains("Login failed"));
}

#[test]
fn a_server_that_never_answers_times_out() {
    let run = assess("never-answers");
    let instance = &run.report.assessment.instances[0];
    assert_eq!(instance.verdict.as_str(), "unknown");
    assert!(
        instance.errors[0].contains("timed out"),
        "{:?}",
        instance.errors
    );
}

#[test]
fn a_dropped_connection_is_reported() {
    let run = assess("dropped-mid-result");
    let instance = &run.report.assessment.instances[0];
    assert_eq!(instance.verdict.as_str(), "unknown");
    assert!(
        instance
            .errors
            .iter()
            .any(|e| e.contains("server_properties")),
        "{:?}",
        instance.errors
    );
}

#[test]
fn many_servers_at_once_and_one_broken_one_spoils_nothing() {
    let runtime = support::runtime();
    let names = [
        "sql2022-ready",
        "never-answers",
        "sql2014",
        "login-failure",
        "hadr-off",
    ];
    let servers: Vec<ScriptedServer> = names
        .iter()
        .map(|n| runtime.block_on(ScriptedServer::scenario(n)))
        .collect();
    let request = ScanRequest {
        servers: servers
            .iter()
            .map(|s| {
                parse_server(&format!(
                    "Server=127.0.0.1,{};User Id=u;Encrypt=DANGER_PLAINTEXT",
                    s.addr.port()
                ))
                .unwrap()
            })
            .collect(),
        password: Some("p".into()),
        live: support::live_options(8),
        ..ScanRequest::default()
    };
    let report = run_scan(&request);
    let verdicts: Vec<&str> = report
        .assessment
        .instances
        .iter()
        .map(|i| i.verdict.as_str())
        .collect();
    assert_eq!(
        verdicts,
        [
            "ready",
            "unknown",
            "not-ready",
            "unknown",
            "ready-with-conditions"
        ]
    );
}

#[test]
fn cli_reads_the_password_from_sqlcmdpassword_and_reports_live_findings() {
    let runtime = support::runtime();
    let server = runtime.block_on(ScriptedServer::scenario("hadr-off"));
    let conn = format!(
        "Server=127.0.0.1,{};User Id=auditor;Encrypt=DANGER_PLAINTEXT",
        server.addr.port()
    );
    let output = common::linkready_command(&common::repo(""))
        .args([
            "scan",
            "--server",
            &conn,
            "--format",
            "json",
            "--fail-on",
            "prerequisite",
        ])
        .env("SQLCMDPASSWORD", "from-env")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(server.recorded().password.as_deref(), Some("from-env"));
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("from-env"),
        "the password is never printed"
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "LR105");
    assert_eq!(finding["origin"], "live");
    assert!(finding["location"].is_null());
    assert_eq!(finding["object"], "SERVERPROPERTY('IsHadrEnabled')");
    assert_eq!(finding["database"], serde_json::Value::Null);
    assert_eq!(
        report["instances"][0]["name"],
        format!("127.0.0.1,{}", server.addr.port())
    );
    assert_eq!(report["instances"][0]["verdict"], "ready-with-conditions");

    // Without SQLCMDPASSWORD and with no terminal to prompt on: a clear error.
    let output = common::linkready_command(&common::repo(""))
        .args(["scan", "--server", &conn])
        .env_remove("SQLCMDPASSWORD")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SQLCMDPASSWORD"));
}

#[test]
fn live_findings_in_sarif_are_logical_locations() {
    let run = assess("after-failover");
    let log: serde_json::Value =
        serde_json::from_str(&linkready_reports::render_sarif(&run.report)).unwrap();
    common::assert_valid_sarif(&common::sarif_validator(), &log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let xp = results.iter().find(|r| r["ruleId"] == "LR303").unwrap();
    let location = &xp["locations"][0];
    assert!(location["physicalLocation"].is_null());
    let names: Vec<&str> = location["logicalLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(names[0].starts_with("dbo.Export"), "{names:?}");
    assert_eq!(names[1], "Sales");
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(xp["properties"]["object"], "master..xp_cmdshell");
}

/// `linkready scripts --server`: the live facts reach the generated bundle
/// (@@SERVERNAME as the replica, the existing endpoint altered), and the
/// collector still only reads.
#[test]
fn scripts_from_a_live_server() {
    let runtime = support::runtime();
    let server = runtime.block_on(ScriptedServer::scenario("sql2022-ready"));
    let port = server.addr.port();
    let conn = format!("Server=127.0.0.1,{port};User Id=auditor;Encrypt=DANGER_PLAINTEXT");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("linkready.toml");
    std::fs::write(
        &config,
        "[target]\nname = \"mi-prod\"\nresource_group = \"rg\"\nfqdn = \"mi-prod.abc.database.windows.net\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = common::linkready_command(&common::repo(""))
        .args(["scripts", "--server", &conn, "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .env("SQLCMDPASSWORD", "from-env")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bundle = out.join(format!("127.0.0.1,{port}")).join("Sales");
    let ag = std::fs::read_to_string(bundle.join("06-availability-group.sql")).unwrap();
    assert!(ag.contains("REPLICA ON N'SQL01' WITH ("), "{ag}");
    let instance_steps = out.join(format!("127.0.0.1,{port}")).join("_instance");
    let endpoint = std::fs::read_to_string(instance_steps.join("05-endpoint.sql")).unwrap();
    assert!(
        endpoint.contains("ALTER ENDPOINT [Hadr_endpoint]"),
        "{endpoint}"
    );
    let files: Vec<_> = std::fs::read_dir(&bundle)
        .unwrap()
        .chain(std::fs::read_dir(&instance_steps).unwrap())
        .collect();
    assert!(files.len() >= 16);
    for entry in files {
        let text = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&text).contains("from-env"));
    }
    let recorded = server.recorded();
    assert!(!recorded.statements.is_empty());
    assert!(recorded.statements.iter().all(|sql| !writes(sql)));
}

/// The errors real servers give (issue 11), each on its own query, as SQL
/// Server sends them (number, state, class, line): each becomes an unknown
/// naming the query and the error, never "no rows"; the rest is read.
#[test]
fn server_errors_as_sql_server_sends_them_become_unknowns() {
    let path = common::repo("fixtures/tds/sample-sql01.json");
    let mut scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let errors = [
        (
            "backups",
            207,
            1,
            16,
            "Invalid column name 'database_guid'.",
        ),
        (
            "server_objects",
            451,
            9,
            16,
            "Cannot resolve collation conflict between \"Latin1_General_CI_AS_KS_WS\" and \"SQL_Latin1_General_CP1_CI_AS\" in UNION ALL operator occurring in SELECT statement column 3.",
        ),
        (
            "database_objects:Sales",
            446,
            9,
            16,
            "Cannot resolve collation conflict for concatenation operation.",
        ),
        (
            "availability_groups",
            229,
            5,
            14,
            "The SELECT permission was denied on the object 'availability_groups', database 'mssqlsystemresource', schema 'sys'.",
        ),
        (
            "trace_flags",
            1934,
            1,
            16,
            "SELECT failed because the following SET options have incorrect settings: 'QUOTED_IDENTIFIER'.",
        ),
    ];
    for (query, number, state, class, message) in errors {
        scenario["queries"][query] = serde_json::json!({ "error": {
            "number": number, "state": state, "class": class, "line": 3, "message": message } });
    }
    let runtime = support::runtime();
    let server = runtime.block_on(ScriptedServer::start(&scenario.to_string()));
    let conn = format!(
        "Server=127.0.0.1,{};User Id=linkready;Encrypt=DANGER_PLAINTEXT",
        server.addr.port()
    );
    let report = run_scan(&ScanRequest {
        servers: vec![parse_server(&conn).unwrap()],
        password: Some("p".into()),
        live: support::live_options(1),
        ..ScanRequest::default()
    });
    let instance = &report.assessment.instances[0];
    for (query, number, ..) in errors {
        let listed = format!("{query}: server error {number}: ");
        assert!(
            instance.errors.iter().any(|e| e.starts_with(&listed)),
            "{listed} not in {:?}",
            instance.errors
        );
    }
    let unknown = |rule: &str, database: Option<&str>, number: u32| {
        report.assessment.unknowns.iter().any(|u| {
            u.rule.id == rule
                && u.database.as_deref() == database
                && u.reason.contains(&format!("server error {number}"))
        })
    };
    assert!(unknown("LR212", Some("Sales"), 207));
    assert!(unknown("LR116", None, 451));
    assert!(unknown("LR202", Some("Sales"), 446));
    assert!(unknown("LR207", Some("Billing"), 229));
    assert!(unknown("LR110", None, 1934));
    // The other databases' own steps were still read.
    assert_eq!(
        instance
            .databases
            .iter()
            .find(|d| d.name == "Crm")
            .unwrap()
            .verdict
            .as_str(),
        "unknown",
        "LR207 (availability groups) is unknown everywhere"
    );
    assert!(
        !report
            .assessment
            .unknowns
            .iter()
            .any(|u| u.rule.id == "LR202" && u.database.as_deref() == Some("Crm"))
    );
}

/// A query that times out ends only itself: the collector connects again
/// and reads the rest.
#[test]
fn a_query_timeout_ends_only_that_query() {
    let path = common::repo("fixtures/tds/sample-sql01.json");
    let mut scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    scenario["queries"]["backups"]["delay_ms"] = serde_json::json!(3000);
    let runtime = support::runtime();
    let server = runtime.block_on(ScriptedServer::start(&scenario.to_string()));
    let conn = format!(
        "Server=127.0.0.1,{};User Id=linkready;Encrypt=DANGER_PLAINTEXT",
        server.addr.port()
    );
    let mut options = support::live_options(1);
    options.query_timeout = std::time::Duration::from_millis(700);
    let report = run_scan(&ScanRequest {
        servers: vec![parse_server(&conn).unwrap()],
        password: Some("p".into()),
        live: options,
        ..ScanRequest::default()
    });
    let instance = &report.assessment.instances[0];
    assert!(
        instance
            .errors
            .iter()
            .any(|e| e.starts_with("backups: timed out")),
        "{:?}",
        instance.errors
    );
    assert_eq!(instance.errors.len(), 1, "{:?}", instance.errors);
    // Everything after backups was read on a new connection.
    let statements = server.recorded().statements;
    assert!(
        statements
            .iter()
            .any(|s| s.contains("\n-- linkready:database_modules:Crm\n"))
    );
    assert!(
        report
            .assessment
            .unknowns
            .iter()
            .any(|u| u.rule.id == "LR212" && u.reason.contains("backups: timed out"))
    );
    assert_eq!(instance.databases.len(), 3);
}

/// A result cut short (the connection drops after one of three rows,
/// without an error) is a failed query, not a shorter answer (issue 14);
/// the instance's errors say what happened first.
#[test]
fn a_result_cut_short_is_not_taken_as_complete() {
    let path = common::repo("fixtures/tds/sample-sql01.json");
    let mut scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    scenario["drop_after_rows"] = serde_json::json!(1);
    let runtime = support::runtime();
    let server = runtime.block_on(ScriptedServer::start(&scenario.to_string()));
    let conn = format!(
        "Server=127.0.0.1,{};User Id=linkready;Encrypt=DANGER_PLAINTEXT",
        server.addr.port()
    );
    let report = run_scan(&ScanRequest {
        servers: vec![parse_server(&conn).unwrap()],
        password: Some("p".into()),
        live: support::live_options(1),
        ..ScanRequest::default()
    });
    let instance = &report.assessment.instances[0];
    assert_eq!(instance.verdict.as_str(), "unknown");
    assert!(
        instance.databases.is_empty(),
        "one of three databases is not a list"
    );
    assert!(
        instance.errors[0].starts_with(
            "databases: connection lost: the result ended before SQL Server completed it"
        ),
        "{:?}",
        instance.errors
    );
    assert!(
        report.assessment.unknowns.iter().any(|u| u
            .reason
            .contains("not run, the connection was lost (databases: connection lost")),
        "later queries name the first failure"
    );
}

/// Three round trips per server (issue 14): server properties alone (they
/// decide which queries apply), every other server-wide query in one batch,
/// the per-database queries in batches of 32 databases; each query still
/// answers for itself (every_query_fails.rs fails each one alone).
#[test]
fn a_server_is_read_in_three_round_trips() {
    let run = assess("sample-sql01");
    let statements = run.server.recorded().statements;
    assert_eq!(statements.len(), 3, "{statements:#?}");
    assert!(statements[0].starts_with("-- linkready:server_properties\n"));
    assert!(statements[1].starts_with("-- linkready:batch\n-- linkready:master_key\n"));
    assert!(statements[2].contains("\n-- linkready:database_objects:Sales\n"));
    assert!(statements[2].contains("\n-- linkready:database_modules:Crm\n"));
    assert_eq!(run.report.assessment.instances[0].databases.len(), 3);
    assert!(run.report.assessment.instances[0].errors.is_empty());
    assert_read_only(&run);
}

/// 40 databases take two per-database batches (steps numbered from 0 in
/// each); a per-database query that times out in the first batch ends only
/// itself: the rest of that batch runs again on a new connection.
#[test]
fn many_databases_are_read_in_batches_and_a_slow_one_ends_only_itself() {
    let path = common::repo("fixtures/tds/sample-sql01.json");
    let mut scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let template = scenario["queries"]["databases"]["rows"][0].clone();
    let objects = scenario["queries"]["database_objects:Sales"].clone();
    let modules = scenario["queries"]["database_modules:Sales"].clone();
    let mut rows = Vec::new();
    for n in 0..40 {
        let name = format!("Db{n:02}");
        let mut row = template.clone();
        row[0] = serde_json::json!(name);
        rows.push(row);
        scenario["queries"][format!("database_objects:{name}")] = objects.clone();
        scenario["queries"][format!("database_modules:{name}")] = modules.clone();
    }
    scenario["queries"]["databases"]["rows"] = serde_json::json!(rows);
    scenario["queries"]["database_modules:Db05"]["delay_ms"] = serde_json::json!(3000);
    let runtime = support::runtime();
    let server = runtime.block_on(ScriptedServer::start(&scenario.to_string()));
    let conn = format!(
        "Server=127.0.0.1,{};User Id=linkready;Encrypt=DANGER_PLAINTEXT",
        server.addr.port()
    );
    let mut options = support::live_options(1);
    options.query_timeout = std::time::Duration::from_millis(700);
    let report = run_scan(&ScanRequest {
        servers: vec![parse_server(&conn).unwrap()],
        password: Some("p".into()),
        live: options,
        ..ScanRequest::default()
    });
    let instance = &report.assessment.instances[0];
    assert_eq!(instance.databases.len(), 40);
    assert_eq!(
        instance.errors,
        ["database_modules:Db05: timed out after 0 s"],
        "only the slow step failed"
    );
    // Db05's code is unknown (a condition to check); the others match Db00.
    let first = instance.databases[0].verdict.as_str();
    let differ: Vec<(&str, &str)> = instance
        .databases
        .iter()
        .filter(|d| d.verdict.as_str() != first)
        .map(|d| (d.name.as_str(), d.verdict.as_str()))
        .collect();
    assert_eq!(first, "ready");
    assert_eq!(differ, [("Db05", "ready-with-conditions")]);
    assert!(
        report
            .assessment
            .unknowns
            .iter()
            .any(|u| u.database.as_deref() == Some("Db05")
                && u.reason.contains("database_modules:Db05: timed out"))
    );
    let statements = server.recorded().statements;
    // Properties, the instance batch, Db00–Db31, the rest of that batch
    // after Db05 on a new connection, then Db32–Db39.
    assert_eq!(statements.len(), 5, "{}", statements.len());
    assert!(statements[3].starts_with(
        "-- linkready:batch\n-- linkready:database_objects:Db06\nSELECT CAST(0 AS int)"
    ));
    assert!(statements[4].starts_with(
        "-- linkready:batch\n-- linkready:database_objects:Db32\nSELECT CAST(0 AS int)"
    ));
}
