//! `linkready scripts`: golden bundles per version shape, every PowerShell
//! file through tree-sitter-powershell, every T-SQL file through our own
//! scanner, the statement shapes of MI-LINK.md §4, quoting of hostile
//! names, and the command's contract (exit codes, --force, DIR/README.md).
//!
//! Golden bundles live in tests/snapshots/scripts/<case>/; after an intended
//! change, rewrite them with `LINKREADY_UPDATE_SNAPSHOTS=1 cargo test --test
//! scripts` and review the diff.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{linkready, repo};
use linkready::collect::files::{ScriptOptions, scan_paths};
use linkready::{ScanRequest, run_assessment};
use linkready_reports::setup::{LinkTarget, SetupOutput, link_setup};

/// The hostile database name in fixtures/link-scripts/sql2022-named.
const WEIRD: &str = "a]b'c \"$;x ünï";

const CONFIG: &str = r#"
[target]
name = "mi-prod"
resource_group = "rg-migration"
subscription = "00000000-0000-0000-0000-000000000000"
fqdn = "mi-prod.abc123def456.database.windows.net"
update_policy = "SQLServer2022"

[scripts]
certificate_expiry = "2099-12-31"
"#;

/// The golden cases: an inventory each.
const CASES: &[(&str, &str)] = &[
    ("sql2016", "fixtures/link-scripts/sql2016.inventory.json"),
    ("sql2019", "fixtures/link-scripts/sql2019.inventory.json"),
    (
        "sql2022-named",
        "fixtures/link-scripts/sql2022-named.inventory.json",
    ),
    (
        "sql2022-existing-endpoint",
        "fixtures/sample-estate/inventories/sql01.inventory.json",
    ),
    (
        "sql2022-cu12",
        "fixtures/link-scripts/sql2022-cu12.inventory.json",
    ),
    (
        "sql2022-cu14",
        "fixtures/link-scripts/sql2022-cu14.inventory.json",
    ),
    ("sql2025", "fixtures/link-scripts/sql2025.inventory.json"),
    (
        "sql2022-existing-ag",
        "fixtures/link-scripts/sql2022-existing-ag.inventory.json",
    ),
    (
        "sql2022-legacy-azsql",
        "fixtures/link-scripts/sql2022-cu14.inventory.json",
    ),
    (
        "sql2022-multiple-database",
        "fixtures/link-scripts/sql2022-cu27-multidb.inventory.json",
    ),
];

/// The configuration of a golden case: SQL Server 2025 links to a target
/// on the 2025 update policy (LR113 blocks it toward the 2022 policy).
fn case_config(case: &str) -> String {
    match case {
        "sql2025" => CONFIG.replace("SQLServer2022", "SQLServer2025"),
        // The preview mode: one link for the databases of a new group.
        "sql2022-multiple-database" => format!("{CONFIG}link_mode = \"multiple-database\"\n"),
        _ => CONFIG.to_string(),
    }
}

/// Whether a golden case is generated with --azsql-legacy.
fn case_legacy(case: &str) -> bool {
    case == "sql2022-legacy-azsql"
}

/// The bundles for these inventories, as `relative path → text`.
fn generate(inventories: &[&str], config: &str, legacy: bool) -> (SetupOutput, Files) {
    let config = linkready::config::parse(
        config,
        Path::new("linkready.toml"),
        linkready::config::today(),
    )
    .unwrap();
    let request = ScanRequest {
        inventories: inventories.iter().map(|p| repo(p)).collect(),
        config: config.clone(),
        ..ScanRequest::default()
    };
    let (estate, report) = run_assessment(&request);
    let mut options = config.scripts.clone();
    options.azsql_legacy = legacy;
    let target = LinkTarget::from_config(config.settings.target.as_ref()).unwrap();
    let output = link_setup(&estate, &report.assessment, &target, &options).unwrap();
    let files = output
        .files
        .iter()
        .map(|file| (file.path.join("/"), file.contents.clone()))
        .collect();
    (output, files)
}

type Files = BTreeMap<String, String>;

/// Every variant the generator has: the golden cases, the legacy Az.Sql
/// parameters, and the managed instance as the initial primary.
fn all_variants() -> Vec<(String, Files)> {
    let mut variants: Vec<(String, Files)> = CASES
        .iter()
        .map(|(name, inventory)| (name.to_string(), generate(&[inventory], CONFIG, false).1))
        .collect();
    let inventories: Vec<&str> = CASES.iter().map(|(_, p)| *p).collect();
    variants.push(("legacy".into(), generate(&inventories, CONFIG, true).1));
    let mi_primary = format!("{CONFIG}initial_primary = \"managed-instance\"\n");
    variants.push((
        "mi-primary".into(),
        generate(&inventories, &mi_primary, false).1,
    ));
    variants
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn file<'a>(files: &'a Files, suffix: &str) -> &'a str {
    files
        .iter()
        .find(|(path, _)| path.ends_with(suffix))
        .map(|(_, text)| text.as_str())
        .unwrap_or_else(|| panic!("no file ending in {suffix}: {:?}", files.keys()))
}

fn has(files: &Files, suffix: &str) -> bool {
    files.keys().any(|path| path.ends_with(suffix))
}

#[test]
fn golden_bundles_match_the_snapshots() {
    let update = std::env::var_os("LINKREADY_UPDATE_SNAPSHOTS").is_some();
    for (case, inventory) in CASES {
        let (_, files) = generate(&[inventory], &case_config(case), case_legacy(case));
        assert!(files.len() > 1, "{case}: no bundle");
        let dir = repo("tests/snapshots/scripts").join(case);
        if update {
            let _ = std::fs::remove_dir_all(&dir);
            for (path, text) in &files {
                let target = dir.join(path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, text).unwrap();
            }
            continue;
        }
        let mut expected = Files::new();
        for entry in walkdir::WalkDir::new(&dir) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(&dir).unwrap();
                let key = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                expected.insert(key, std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{case}: the bundle's files differ from tests/snapshots/scripts/{case} \
             (LINKREADY_UPDATE_SNAPSHOTS=1 rewrites them)"
        );
        for (path, text) in &files {
            assert!(
                expected[path] == *text,
                "{case}/{path} differs from its snapshot (LINKREADY_UPDATE_SNAPSHOTS=1 rewrites it)"
            );
        }
    }
}

fn powershell_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    parser
}

/// The first node (depth first) with an error or a missing token, for the message.
fn first_error(node: tree_sitter::Node) -> Option<tree_sitter::Node> {
    if node.is_error() || node.is_missing() {
        return Some(node);
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).find_map(first_error)
}

/// The values of the verbatim ('…') strings in a PowerShell file, decoded.
fn powershell_strings(source: &str) -> Vec<String> {
    let tree = powershell_parser().parse(source, None).unwrap();
    let mut values = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "verbatim_string_characters" {
            let raw = &source[node.byte_range()];
            let inner = &raw[1..raw.len() - 1];
            let mut value = String::new();
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                value.push(c);
                if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
                    chars.next();
                }
            }
            values.push(value);
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    values
}

#[test]
fn every_powershell_file_parses_without_an_error_node() {
    let mut parser = powershell_parser();
    let mut parsed = 0;
    for (variant, files) in all_variants() {
        for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".ps1")) {
            let tree = parser.parse(text, None).unwrap();
            if let Some(node) = first_error(tree.root_node()) {
                panic!(
                    "{variant}/{path}: parse error at line {} column {}: {:?}",
                    node.start_position().row + 1,
                    node.start_position().column + 1,
                    &text[node.byte_range()]
                );
            }
            parsed += 1;
        }
    }
    // 4 cases × 6 scripts (less failback for one-way links), legacy and MI-primary estates.
    assert!(parsed >= 40, "only {parsed} PowerShell files");
}

#[test]
fn hostile_names_are_quoted_so_each_language_reads_them_back() {
    let (_, files) = generate(&[CASES[2].1], CONFIG, false);
    let folder = files
        .keys()
        .find(|p| p.contains("a]b'c"))
        .map(|p| p.rsplit_once('/').unwrap().0.to_string())
        .unwrap();
    // PowerShell: the parser's string literal holds exactly the name.
    let link = &files[&format!("{folder}/08-create-link.ps1")];
    assert!(
        powershell_strings(link).contains(&WEIRD.to_string()),
        "{link}"
    );
    // T-SQL: sqlparser's MsSql tokenizer reads the bracketed identifier and
    // the N'' literal back as the name.
    let prepare = &files[&format!("{folder}/01-prepare-database.sql")];
    let tokens = sqlparser::tokenizer::Tokenizer::new(
        &sqlparser::dialect::MsSqlDialect {},
        prepare.trim_start_matches('\u{feff}'),
    )
    .tokenize()
    .unwrap();
    use sqlparser::tokenizer::Token;
    let identifiers = tokens
        .iter()
        .filter(|t| matches!(t, Token::Word(w) if w.quote_style == Some('[') && w.value == WEIRD))
        .count();
    let literals = tokens
        .iter()
        .filter(|t| matches!(t, Token::NationalStringLiteral(s) if s == WEIRD))
        .count();
    // ALTER DATABASE and BACKUP DATABASE; DB_ID twice and sys.databases.name.
    assert_eq!((identifiers, literals), (2, 3), "{prepare}");
    // The folder is a portable path component; the README names it as it is.
    assert!(!folder.contains('"'));
    assert!(files[&format!("{folder}/README.md")].contains(&format!("`{WEIRD}`")));
    // The typographic apostrophe PowerShell also reads as a quote.
    assert_eq!(
        linkready_reports::setup::quote::powershell_string("d\u{2019}x"),
        "'d\u{2019}\u{2019}x'"
    );
}

#[test]
fn every_tsql_file_goes_through_our_scanner_without_unknown_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let mut written = 0;
    for (variant, files) in all_variants() {
        for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".sql")) {
            let target = dir.path().join(&variant).join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, text).unwrap();
            written += 1;
        }
    }
    let scanned = scan_paths(&[dir.path().to_path_buf()], &ScriptOptions::default());
    assert_eq!(scanned.len(), written);
    for file in &scanned {
        assert_eq!(file.error, None, "{}", file.path);
        assert!(
            file.warnings.is_empty(),
            "{}: {:?}",
            file.path,
            file.warnings
        );
        assert!(file.statements > 0, "{}: no statement", file.path);
    }
}

/// MI-LINK.md §4 and §5, shape by shape, per version.
#[test]
fn statement_shapes_follow_mi_link_section_4() {
    for (case, inventory) in CASES {
        // The preview mode has its own files (the_multiple_database_mode_…).
        if *case == "sql2022-multiple-database" {
            continue;
        }
        let legacy = case_legacy(case);
        let (_, files) = generate(&[inventory], &case_config(case), legacy);
        let sql2016 = *case == "sql2016";
        let one_way = matches!(*case, "sql2016" | "sql2019");
        // 2022 before CU13: two-way, but no T-SQL failover.
        let tsql_failover = !one_way && *case != "sql2022-cu12";
        let existing_ag = *case == "sql2022-existing-ag";
        let shapes: Vec<(&str, String)> = {
            let step1 = flat(file(&files, "01-prepare-database.sql"));
            let step2to4 = flat(file(&files, "02-master-key-and-certificate.sql"));
            let step5to6 = flat(file(&files, "03-exchange-certificates.ps1"));
            let step7to8 = flat(file(&files, "04-trust-certificates.sql"));
            let step9 = flat(file(&files, "05-endpoint.sql"));
            let step10 = flat(file(&files, "06-availability-group.sql"));
            let step11 = flat(file(&files, "07-distributed-availability-group.sql"));
            let step12 = flat(file(&files, "08-create-link.ps1"));
            let step13 = flat(file(&files, "09-verify.sql"));
            let step14 = flat(file(&files, "10-after-seeding.sql"));
            vec![
                ("01", step1),
                ("02", step2to4),
                ("03", step5to6),
                ("04", step7to8),
                ("05", step9),
                ("06", step10),
                ("07", step11),
                ("08", step12),
                ("09", step13),
                ("10", step14),
            ]
        };
        let get = |n: &str| &shapes.iter().find(|(k, _)| *k == n).unwrap().1;
        let expect = |n: &str, needle: &str| {
            assert!(
                get(n).contains(needle),
                "{case} {n}: expected {needle:?} in\n{}",
                get(n)
            )
        };
        let database = match *case {
            "sql2016" => "Inventory",
            "sql2019" => "Ledger",
            "sql2022-named" => "Orders",
            "sql2022-cu12" | "sql2022-cu14" | "sql2022-legacy-azsql" => "Claims",
            "sql2025" => "Ledger25",
            "sql2022-existing-ag" => "Payroll",
            _ => "Billing",
        };
        let server_name = match *case {
            "sql2016" => "SQL16",
            "sql2019" => "SQL19",
            "sql2022-named" => "SQL22_SALES",
            "sql2022-cu12" => "SQL22A",
            "sql2022-cu14" | "sql2022-legacy-azsql" => "SQL22B",
            "sql2025" => "SQL25",
            "sql2022-existing-ag" => "SQL22C",
            _ => "SQL01",
        };
        let db = format!("[{database}]");
        // MI-LINK.md §7: link names are lowercase letters, digits, hyphens.
        let link = format!("link-{}", database.to_lowercase());
        // Step 1.
        expect("01", &format!("ALTER DATABASE {db} SET RECOVERY FULL"));
        expect("01", &format!("BACKUP DATABASE {db} TO DISK = N'"));
        expect("01", "WITH CHECKSUM");
        // Steps 2–4.
        expect(
            "02",
            "IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE symmetric_key_id = 101)",
        );
        let certificate = format!("Cert_{server_name}_endpoint");
        let certificate = certificate.as_str();
        expect(
            "02",
            &format!("CREATE CERTIFICATE [{certificate}] WITH SUBJECT = N'"),
        );
        expect("02", "EXPIRY_DATE = N'20991231'");
        expect("02", &format!("CERTENCODED(CERT_ID(N'{certificate}'))"));
        assert!(!certificate.contains('\\'));
        assert_eq!(
            get("02")
                .contains("CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MasterKeyPassword)'"),
            sql2016,
            "{case}: only SQL16 lacks a master key"
        );
        // Steps 5–6 (and 8's roots).
        expect(
            "03",
            "New-AzSqlInstanceServerTrustCertificate -ResourceGroupName $resourceGroup -InstanceName $instanceName -CertificateName $certificateName -PublicKey $SqlServerPublicKey",
        );
        expect(
            "03",
            "Get-AzSqlInstanceEndpointCertificate -ResourceGroupName $resourceGroup -InstanceName $instanceName -EndpointType 'DATABASE_MIRRORING'",
        );
        expect("03", &format!("$certificateName = '{certificate}'"));
        // Steps 7–8.
        expect(
            "04",
            "CREATE CERTIFICATE [mi-prod.abc123def456.database.windows.net] FROM BINARY = $(ManagedInstanceCertificate)",
        );
        for root in ["MicrosoftPKI", "DigiCertPKI"] {
            expect("04", &format!("CREATE CERTIFICATE [{root}] FROM BINARY = "));
            expect(
                "04",
                &format!(
                    "SET @issuer_certificate_id = CERT_ID(N'{root}'); EXEC sp_certificate_add_issuer @issuer_certificate_id, N'*.database.windows.net'"
                ),
            );
        }
        // Step 9: a new endpoint, or the existing one altered.
        if matches!(*case, "sql2022-existing-endpoint" | "sql2022-existing-ag") {
            expect(
                "05",
                &format!(
                    "ALTER ENDPOINT [Hadr_endpoint] STATE = STARTED FOR DATABASE_MIRRORING ( ROLE = ALL, AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE [{certificate}], ENCRYPTION = REQUIRED ALGORITHM AES )"
                ),
            );
            assert!(!get("05").contains("CREATE ENDPOINT"));
        } else {
            let port = if *case == "sql2022-named" { 5023 } else { 5022 };
            expect(
                "05",
                &format!(
                    "CREATE ENDPOINT [database_mirroring_endpoint] STATE = STARTED AS TCP (LISTENER_PORT = {port}, LISTENER_IP = ALL) FOR DATABASE_MIRRORING ( ROLE = ALL, AUTHENTICATION = CERTIFICATE [{certificate}], ENCRYPTION = REQUIRED ALGORITHM AES )"
                ),
            );
            assert!(!get("05").contains("ALTER ENDPOINT"));
        }
        // Step 10: CLUSTER_TYPE left out on 2016, which gets the WSFC grants.
        let (server, url) = match *case {
            "sql2022-named" => ("SQL22\\SALES".to_string(), "TCP://SQL22:5023".to_string()),
            _ => (server_name.to_string(), format!("TCP://{server_name}:5022")),
        };
        let (server, url) = (server.as_str(), url.as_str());
        let with = if sql2016 {
            ""
        } else {
            " WITH (CLUSTER_TYPE = NONE)"
        };
        if existing_ag {
            // A database alone in a one-replica group: reused, not created.
            assert!(!get("06").contains("CREATE AVAILABILITY GROUP"), "{case}");
            expect("06", "PRINT N'Reusing the availability group.';");
            assert!(
                !flat(file(&files, "remove-link.sql"))
                    .contains(&format!("DROP AVAILABILITY GROUP [AG_{database}]")),
                "{case}: the existing group is kept"
            );
        } else {
            expect(
                "06",
                &format!(
                    "CREATE AVAILABILITY GROUP [AG_{database}]{with} FOR DATABASE {db} REPLICA ON N'{server}' WITH ( ENDPOINT_URL = N'{url}', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC )"
                ),
            );
            assert_eq!(get("06").contains("CLUSTER_TYPE"), !sql2016, "{case}");
        }
        for grant in [
            "ALTER ANY AVAILABILITY GROUP",
            "CONNECT SQL",
            "VIEW SERVER STATE",
        ] {
            assert_eq!(
                get("06").contains(&format!("GRANT {grant} TO [NT AUTHORITY\\SYSTEM]")),
                sql2016,
                "{case}: {grant}"
            );
        }
        // Step 11.
        expect(
            "07",
            &format!(
                "CREATE AVAILABILITY GROUP [{link}] WITH (DISTRIBUTED) AVAILABILITY GROUP ON N'AG_{database}' WITH ( LISTENER_URL = N'{url}', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC, SESSION_TIMEOUT = 20 ), N'AG_{database}_MI' WITH ( LISTENER_URL = N'tcp://mi-prod.abc123def456.database.windows.net:5022;Server=[mi-prod]', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC )"
            ),
        );
        // Step 12 (Az.Sql 6.0.0 parameters; the legacy ones are checked in
        // variants_legacy_azsql_and_managed_instance_as_primary).
        let mode = if one_way { "None" } else { "Manual" };
        if !legacy {
            expect(
                "08",
                &format!(
                    "New-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName ` -PartnerAvailabilityGroupName 'AG_{database}' ` -InstanceAvailabilityGroupName 'AG_{database}_MI' ` -Database '{database}' ` -PartnerEndpoint '{url}' ` -InstanceLinkRole Secondary ` -FailoverMode {mode} ` -SeedingMode Automatic"
                ),
            );
            expect("08", "if ($azSql.Version -lt [version]'6.0.0') {");
        }
        expect("08", &format!("$linkName = '{link}'"));
        // Steps 13–14.
        expect(
            "09",
            "FROM sys.dm_hadr_availability_replica_states AS rs JOIN sys.availability_replicas AS ar ON ar.replica_id = rs.replica_id",
        );
        expect("09", "rs.connected_state_desc");
        expect("10", &format!("BACKUP LOG {db} TO DISK = N'"));
        assert_eq!(
            get("10").contains("DBCC TRACEOFF (12381, -1)"),
            *case == "sql2019",
            "{case}: only SQL19 runs with 12381"
        );
        // §5 (managed-instance-link-failover-how-to.md, MI-LINK.md §5): a
        // planned failover that keeps the link only two-way from 2022 CU13
        // (FAILOVER on the primary, after a NULL-safe, stable LSN wait);
        // otherwise a migration that breaks the link. Never Azure's Planned
        // while the managed instance is secondary.
        let failover = flat(file(&files, "failover-planned.sql"));
        assert!(failover.contains(&format!("ALTER AVAILABILITY GROUP [{link}] MODIFY AVAILABILITY GROUP ON N'AG_{database}' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT), N'AG_{database}_MI' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT)")));
        assert!(failover.contains(&format!("ALTER AVAILABILITY GROUP [{link}] MODIFY AVAILABILITY GROUP ON N'AG_{database}' WITH (AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT), N'AG_{database}_MI' WITH (AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT)")), "{case}: back to asynchronous on timeout");
        for needle in [
            "@hardened = COUNT(drs.last_hardened_lsn)",
            "@hardened = @replicas AND @synchronized = @replicas AND @lowest = @highest",
            "WHILE @stable_checks < 3",
            "rs.is_local = 1 AND rs.role_desc = N'PRIMARY'",
        ] {
            assert!(failover.contains(needle), "{case}: {needle}");
        }
        let keep_link = !one_way && tsql_failover;
        assert_eq!(
            failover.contains(&format!("ALTER AVAILABILITY GROUP [{link}] FAILOVER;")),
            keep_link,
            "{case}"
        );
        assert_eq!(
            failover.contains("Now run remove-link.ps1"),
            !keep_link,
            "{case}"
        );
        assert!(
            !has(&files, "failover-planned.ps1"),
            "{case}: Azure refuses Planned while the managed instance is secondary"
        );
        let sql2022 = !one_way;
        assert_eq!(
            has(&files, "failover-forced.ps1"),
            sql2022 && !legacy,
            "{case}"
        );
        assert_eq!(has(&files, "failover-forced.sql"), tsql_failover, "{case}");
        assert_eq!(has(&files, "split-brain.sql"), sql2022, "{case}");
        if has(&files, "failover-forced.ps1") {
            assert!(
                flat(file(&files, "failover-forced.ps1"))
                    .contains("-FailoverType ForcedAllowDataLoss -Force")
            );
        }
        if tsql_failover {
            assert!(flat(file(&files, "failover-forced.sql")).contains(&format!(
                "ALTER AVAILABILITY GROUP [{link}] FORCE_FAILOVER_ALLOW_DATA_LOSS;"
            )));
        }
        if sql2022 {
            assert!(flat(file(&files, "split-brain.sql")).contains(&format!(
                "ALTER AVAILABILITY GROUP [{link}] SET (ROLE = SECONDARY);"
            )));
        }
        assert_eq!(
            has(&files, "failback-planned.ps1"),
            !one_way && !legacy,
            "{case}"
        );
        assert_eq!(has(&files, "failback-planned.sql"), keep_link, "{case}");
        if has(&files, "failback-planned.ps1") {
            let failback = flat(file(&files, "failback-planned.ps1"));
            let check = failback
                .find("if ($link.InstanceLinkRole -ne 'Primary')")
                .unwrap();
            let call = failback.find("-FailoverType Planned").unwrap();
            assert!(
                check < call,
                "{case}: the role is checked before the planned failover"
            );
        }
        assert!(flat(file(&files, "remove-link.ps1")).contains("Remove-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -Force"));
        assert!(
            flat(file(&files, "remove-link.sql"))
                .contains(&format!("DROP AVAILABILITY GROUP [{link}];"))
        );
    }
}

#[test]
fn variants_legacy_azsql_and_managed_instance_as_primary() {
    let (_, legacy) = generate(&[CASES[3].1], CONFIG, true);
    let link = flat(file(&legacy, "Billing/08-create-link.ps1"));
    assert!(link.contains("-PrimaryAvailabilityGroupName 'AG_Billing' ` -SecondaryAvailabilityGroupName 'AG_Billing_MI' ` -TargetDatabase 'Billing' ` -SourceEndpoint 'TCP://SQL01:5022'"), "{link}");
    assert!(link.contains("if ($azSql.Version -ge [version]'6.0.0') {"));
    assert!(!link.contains("-PartnerAvailabilityGroupName"));
    // Before Az.Sql 6.0.0 there is no Start-AzSqlInstanceLinkFailover.
    for (path, text) in legacy.iter().filter(|(path, _)| path.ends_with(".ps1")) {
        assert!(!text.contains("Start-AzSqlInstanceLinkFailover"), "{path}");
    }
    assert!(file(&legacy, "Billing/README.md").contains("--azsql-legacy"));

    let config = format!("{CONFIG}initial_primary = \"managed-instance\"\n");
    let (output, files) = generate(&[CASES[3].1, CASES[1].1], &config, false);
    assert!(!has(&files, "Billing/01-prepare-database.sql"));
    let ag = flat(file(&files, "Billing/06-availability-group.sql"));
    assert!(ag.contains("CREATE AVAILABILITY GROUP [AG_Billing] WITH (CLUSTER_TYPE = NONE) FOR REPLICA ON N'SQL01'"), "{ag}");
    assert!(ag.contains("ALTER AVAILABILITY GROUP [AG_Billing] GRANT CREATE ANY DATABASE;"));
    assert!(
        flat(file(
            &files,
            "Billing/07-distributed-availability-group.sql"
        ))
        .contains(";Server=[mi-prod];Database=[Billing]'")
    );
    assert!(flat(file(&files, "Billing/08-create-link.ps1")).contains("-InstanceLinkRole Primary"));
    // 2019 cannot start with the managed instance as primary.
    let ledger = output
        .skipped
        .iter()
        .find(|s| s.database.as_deref() == Some("Ledger"))
        .unwrap();
    assert!(ledger.reason.contains("2022 CU10"), "{}", ledger.reason);
}

#[test]
fn no_secret_lands_in_a_file() {
    for (variant, files) in all_variants() {
        for (path, text) in &files {
            for (at, _) in text.match_indices("PASSWORD =") {
                assert!(
                    text[at..].starts_with("PASSWORD = N'$(MasterKeyPassword)'")
                        || text[..at].ends_with(
                            "ENCRYPTION BY PASSWORD = ...) and run this file again.', 1;\n"
                        )
                        || text[at..].starts_with("PASSWORD = ...)"),
                    "{variant}/{path}: a password literal"
                );
            }
        }
    }
}

/// `linkready scripts fixtures/sample-estate --config CONFIG --out OUT [extra]`.
fn scripts_on_sample(config: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "scripts",
        "fixtures/sample-estate",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    linkready(&args)
}

#[test]
fn not_ready_and_script_only_databases_get_a_reason_instead_of_scripts() {
    let config = format!("{CONFIG}\n");
    let config = config.replace(
        "update_policy = \"SQLServer2022\"",
        "update_policy = \"SQLServer2022\"\ndatabases = [\"Crm\"]",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("linkready.toml"), &config).unwrap();
    let out = dir.path().join("out");
    let output = scripts_on_sample(&dir.path().join("linkready.toml"), &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let index = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(
        index.starts_with("# Link setup scripts for `mi-prod`"),
        "{index}"
    );
    assert!(
        index.contains("- `SQL01` / `Sales`: [README.md](<SQL01/Sales/README.md>)"),
        "{index}"
    );
    assert!(
        index.contains("- `SQL02` / `Documents` (not-ready): LR102 missing-servicing-update"),
        "{index}"
    );
    assert!(index.contains("LR202 filestream"), "{index}");
    assert!(
        index.contains("- `scripts` / `Sales` (ready): script files show no instance facts"),
        "{index}"
    );
    assert!(
        index.contains("- `SQL01` / `Crm` (ready): a database named \"Crm\" is already on mi-prod"),
        "{index}"
    );
    assert!(out.join("SQL01/Billing/08-create-link.ps1").is_file());
    assert!(!out.join("SQL01/Crm").exists());
    assert!(!out.join("SQL02").exists());
    // Scripts start with a byte order mark (sqlcmd, Windows PowerShell 5.1).
    let bytes = std::fs::read(out.join("SQL01/Billing/01-prepare-database.sql")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF-- linkready"));

    // Again: refused without --force, replaced with it.
    let again = scripts_on_sample(&dir.path().join("linkready.toml"), &out, &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force replaces them"));
    std::fs::write(out.join("SQL01/stale.txt"), "old").unwrap();
    let forced = scripts_on_sample(&dir.path().join("linkready.toml"), &out, &["--force"]);
    assert_eq!(forced.status.code(), Some(1));
    assert!(!out.join("SQL01/stale.txt").exists());
}

#[test]
fn the_command_refuses_what_it_cannot_do_before_contacting_anything() {
    let dir = tempfile::tempdir().unwrap();
    // No [target].
    let out = dir.path().join("out");
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let output = scripts_on_sample(&empty, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("[target] name, resource_group, fqdn"),
        "{stderr}"
    );
    assert!(!out.exists());
    // A directory that holds something else.
    let config = dir.path().join("linkready.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let output = scripts_on_sample(&config, &foreign, &["--force"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("was not written by linkready scripts")
    );
    assert!(foreign.join("notes.txt").exists());
    // A bad [scripts] value names the file, line and column.
    std::fs::write(
        &config,
        format!("{CONFIG}[scripts.instances.\"SQL01\"]\nendpoint_port = 70000\n"),
    )
    .unwrap();
    let output = linkready(&[
        "scripts",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("linkready.toml:12:17: endpoint_port must be a TCP port"),
        "{stderr}"
    );
}

#[test]
fn named_instances_on_one_host_get_their_own_ports_and_addresses_can_be_set() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo(CASES[2].1)).unwrap();
    let second = dir.path().join("hr.inventory.json");
    std::fs::write(
        &second,
        text.replace("SQL22\\\\SALES", "SQL22\\\\HR")
            .replace("Orders", "Payroll"),
    )
    .unwrap();
    let config = format!("{CONFIG}\n[scripts.instances.\"SQL22\\\\HR\"]\naddress = \"10.1.2.3\"\n");
    let (output, files) = generate(&[CASES[2].1, second.to_str().unwrap()], &config, false);
    // The hostile name is on both instances: the first one takes it on the target.
    assert!(output.skipped.iter().any(|s| s.instance == "SQL22\\HR"
        && s.database.as_deref() == Some(WEIRD)
        && s.reason.contains("already takes this name")));
    let sales = flat(file(&files, "SQL22_SALES/_instance/05-endpoint.sql"));
    assert!(sales.contains("LISTENER_PORT = 5023,"), "{sales}");
    let hr = flat(file(&files, "SQL22_HR/_instance/05-endpoint.sql"));
    assert!(hr.contains("LISTENER_PORT = 5024,"), "{hr}");
    let ag = flat(file(&files, "SQL22_HR/Payroll/06-availability-group.sql"));
    assert!(ag.contains("ENDPOINT_URL = N'TCP://10.1.2.3:5024'"), "{ag}");
    assert!(!file(&files, "SQL22_HR/Payroll/README.md").contains("host of @@SERVERNAME"));
}

/// One parameter set of an Az.Sql cmdlet, from fixtures/azure/azsql-cmdlets.toml.
#[derive(serde::Deserialize)]
struct ParameterSet {
    name: String,
    parameters: Vec<Parameter>,
}

#[derive(serde::Deserialize)]
struct Parameter {
    name: String,
    required: bool,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    pipeline: Option<String>,
}

#[derive(serde::Deserialize)]
struct Cmdlet {
    name: String,
    doc: String,
    #[serde(default)]
    parameter_set: Vec<ParameterSet>,
    #[serde(default)]
    legacy_parameter_set: Vec<ParameterSet>,
}

#[derive(serde::Deserialize)]
struct CmdletTable {
    cmdlet: Vec<Cmdlet>,
}

/// PowerShell's common parameters, accepted by every cmdlet.
const COMMON_PARAMETERS: [&str; 11] = [
    "Debug",
    "ErrorAction",
    "ErrorVariable",
    "InformationAction",
    "InformationVariable",
    "OutVariable",
    "OutBuffer",
    "PipelineVariable",
    "Verbose",
    "WarningAction",
    "WarningVariable",
];

/// Every command call of a PowerShell file: (name, its `-Parameter`s).
fn command_calls(source: &str) -> Vec<(String, Vec<String>)> {
    let tree = powershell_parser().parse(source, None).unwrap();
    let mut calls = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "command" {
            let mut name = None;
            let mut parameters = Vec::new();
            let mut inner = vec![node];
            while let Some(child) = inner.pop() {
                match child.kind() {
                    "command_name" if name.is_none() => {
                        name = Some(source[child.byte_range()].to_string());
                    }
                    "command_parameter" => {
                        let text = &source[child.byte_range()];
                        parameters.push(
                            text.trim_start_matches('-')
                                .trim_end_matches(':')
                                .to_string(),
                        );
                    }
                    // A nested command (in a subexpression) is its own call.
                    "command" if child != node => continue,
                    _ => {}
                }
                let mut cursor = child.walk();
                inner.extend(child.children(&mut cursor));
            }
            if let Some(name) = name {
                calls.push((name, parameters));
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    calls
}

/// The parameter set `used` fits: every parameter in it (by name or
/// alias), every required one given (none comes by position or pipeline
/// in the bundles).
fn fits(set: &ParameterSet, used: &[String]) -> Result<(), String> {
    for parameter in used {
        if COMMON_PARAMETERS
            .iter()
            .any(|c| c.eq_ignore_ascii_case(parameter))
        {
            continue;
        }
        let known = set.parameters.iter().any(|p| {
            p.name.eq_ignore_ascii_case(parameter)
                || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(parameter))
        });
        if !known {
            return Err(format!("{}: no parameter -{parameter}", set.name));
        }
    }
    for required in set
        .parameters
        .iter()
        .filter(|p| p.required && p.pipeline.is_none())
    {
        let given = used.iter().any(|u| {
            required.name.eq_ignore_ascii_case(u)
                || required.aliases.iter().any(|a| a.eq_ignore_ascii_case(u))
        });
        if !given {
            return Err(format!("{}: -{} is required", set.name, required.name));
        }
    }
    Ok(())
}

/// The cmdlet contract (issue 12): every Az.Sql cmdlet any bundle calls is
/// in the table taken from Azure PowerShell's help markdown
/// (fixtures/azure/azsql-cmdlets.toml, each entry citing its help file and
/// revision), and each call's parameters make one complete parameter set —
/// the current module's, or for --azsql-legacy bundles the one before
/// Az.Sql 6.0.0.
#[test]
fn every_az_sql_call_matches_one_complete_parameter_set() {
    let table: CmdletTable = toml::from_str(
        &std::fs::read_to_string(repo("fixtures/azure/azsql-cmdlets.toml")).unwrap(),
    )
    .unwrap();
    for cmdlet in &table.cmdlet {
        assert!(
            cmdlet.doc.starts_with("src/Sql/Sql/help/"),
            "{}: cite the help file",
            cmdlet.name
        );
    }
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (variant, files) in all_variants() {
        let legacy = variant == "legacy";
        for (path, text) in files.iter().filter(|(path, _)| path.ends_with(".ps1")) {
            for (name, parameters) in command_calls(text) {
                if !name.contains("-AzSql") {
                    continue;
                }
                let Some(cmdlet) = table
                    .cmdlet
                    .iter()
                    .find(|c| c.name.eq_ignore_ascii_case(&name))
                else {
                    wrong.push(format!(
                        "{variant} {path}: {name} is not in the cmdlet table"
                    ));
                    continue;
                };
                let sets = if legacy && !cmdlet.legacy_parameter_set.is_empty() {
                    &cmdlet.legacy_parameter_set
                } else {
                    &cmdlet.parameter_set
                };
                let reasons: Vec<String> = sets
                    .iter()
                    .map(|set| fits(set, &parameters))
                    .filter_map(Result::err)
                    .collect();
                if reasons.len() == sets.len() {
                    wrong.push(format!(
                        "{variant} {path}: {name} {parameters:?} fits no parameter set: {}",
                        reasons.join("; ")
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked > 50, "only {checked} calls checked");
}

/// The generated T-SQL against Microsoft's catalog documentation (issue 12):
/// every SELECT of 09-verify.sql and of the operations (role checks, the
/// LSN wait, split-brain's backup check) reads only documented columns of
/// the version it runs on (fixtures/catalog/catalog.toml), qualified.
#[test]
fn generated_queries_read_only_documented_columns() {
    let table = common::catalog::catalog();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (case, inventory) in CASES {
        let (_, files) = generate(&[inventory], &case_config(case), case_legacy(case));
        let major = if *case == "sql2016" { 13 } else { 15 };
        for (path, text) in files.iter().filter(|(path, _)| {
            path.ends_with("09-verify.sql")
                || path.ends_with("failover-planned.sql")
                || path.ends_with("failover-forced.sql")
                || path.ends_with("failback-planned.sql")
                || path.ends_with("split-brain.sql")
        }) {
            for statement in common::catalog::select_statements(text) {
                let (problems, _) = common::catalog::check_query(&statement, major, &table);
                wrong.extend(
                    problems
                        .into_iter()
                        .map(|p| format!("{case} {path}: {p}\n  in {statement}")),
                );
                checked += 1;
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked > 40, "only {checked} statements checked");
}

/// The instance's steps are written once, in `<instance>/_instance/`, and
/// each database's folder holds only its own steps (issue 12).
#[test]
fn instance_steps_are_written_once_per_instance() {
    let (_, files) = generate(&[CASES[3].1], CONFIG, false);
    for step in [
        "02-master-key-and-certificate.sql",
        "03-exchange-certificates.ps1",
        "04-trust-certificates.sql",
        "05-endpoint.sql",
    ] {
        let written: Vec<&String> = files.keys().filter(|path| path.ends_with(step)).collect();
        assert_eq!(written, [&format!("SQL01/_instance/{step}")], "{step}");
    }
    for database in ["Sales", "Billing", "Crm"] {
        let readme = file(&files, &format!("SQL01/{database}/README.md"));
        assert!(
            readme.contains("`../_instance/02-master-key-and-certificate.sql`"),
            "{database}"
        );
        assert!(
            readme.contains("sqlcmd -S SQL01 -E -b -I"),
            "{database}: the server is filled in"
        );
    }
    let instance = file(&files, "SQL01/_instance/02-master-key-and-certificate.sql");
    assert!(
        !instance.contains("Billing") && !instance.contains("Sales"),
        "no database in the instance steps"
    );
}

/// The README's PowerShell examples parse, and every linkready command in
/// them is one the CLI accepts (its arguments checked by clap, nothing run
/// against a server).
#[test]
fn the_readme_powershell_examples_parse_and_name_real_options() {
    let readme = std::fs::read_to_string(common::repo("README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```powershell\n")
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .collect();
    assert!(!blocks.is_empty(), "the README has PowerShell examples");
    for block in &blocks {
        let tree = powershell_parser().parse(block, None).unwrap();
        if let Some(error) = first_error(tree.root_node()) {
            panic!(
                "README PowerShell does not parse at {:?}: {}",
                error.start_position(),
                &block[error.byte_range()]
            );
        }
        // Each `.\linkready.exe …` command, continuation lines joined.
        let joined = block.replace("`\n", " ");
        for line in joined
            .lines()
            .filter(|l| l.trim_start().starts_with(".\\linkready.exe"))
        {
            let arguments = powershell_strings(line);
            let words: Vec<String> = line
                .split_whitespace()
                .skip(1)
                .take_while(|word| !word.starts_with('#'))
                .map(|word| {
                    if word.starts_with('\'') {
                        // The verbatim string as PowerShell passes it.
                        arguments
                            .iter()
                            .find(|argument| word.contains(argument.as_str()))
                            .cloned()
                            .unwrap_or_else(|| word.trim_matches('\'').to_string())
                    } else {
                        word.to_string()
                    }
                })
                .collect();
            let mut cli = vec!["linkready".to_string()];
            cli.extend(words);
            if let Err(error) = <linkready::cli::Cli as clap::Parser>::try_parse_from(&cli) {
                panic!("README: {line}: {error}");
            }
        }
    }
}

/// The multiple-database mode (preview): LR320 blocks a build below
/// SQL Server 2022 CU27, so no bundle; at CU27 one bundle carries every
/// ready database, its PowerShell parses and passes -LinkMode MultiDatabase
/// with the whole list, and the link's name is letters and hyphens.
#[test]
fn the_multiple_database_mode_is_checked_and_written_per_group() {
    let config = format!("{CONFIG}link_mode = \"multiple-database\"\n");
    let (output, files) = generate(
        &["fixtures/link-scripts/sql2022-cu14.inventory.json"],
        &config,
        false,
    );
    assert!(
        output.bundles.is_empty(),
        "CU14 cannot take the preview mode"
    );
    assert!(
        output.skipped.iter().any(|s| s.reason.contains("LR320")),
        "{:?}",
        output.skipped
    );
    assert!(!has(&files, "08-create-link.ps1"));

    let (output, files) = generate(
        &["fixtures/link-scripts/sql2022-cu27-multidb.inventory.json"],
        &config,
        false,
    );
    assert_eq!(output.bundles.len(), 1);
    assert_eq!(output.bundles[0].folder, ["SQL22M", "multiple-database"]);
    let script = file(&files, "multiple-database/08-create-link.ps1");
    let tree = powershell_parser().parse(script, None).unwrap();
    assert!(first_error(tree.root_node()).is_none(), "{script}");
    assert!(flat(script).contains("-LinkMode MultiDatabase"));
    assert!(script.contains("$databases = @('Claims', 'Policies')"));
    let link = script
        .lines()
        .find_map(|line| line.strip_prefix("$linkName = '"))
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap();
    assert!(
        link.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && !link.starts_with('-')
            && !link.ends_with('-'),
        "{link}"
    );
    let enable = file(&files, "01-enable-multiple-database-mode.sql");
    assert!(enable.contains("EXEC sys.sp_multidb_milink 1;"));
    let group = file(&files, "multiple-database/06-availability-group.sql");
    assert!(flat(group).contains("FOR DATABASE [Claims], [Policies]"));
    // The same database is never in a single-database bundle too.
    assert!(!files.keys().any(|path| path.starts_with("SQL22M/Claims/")));
}
