//! Rules over hand-built facts: the same facts whatever their source.

use linkready_rules::{
    DatabaseFile, DatabaseSetting, Fact, FileDefinition, FileKind, Instance, Origin, Outcomes,
    RULES, RecoveryModel, Severity, Source,
};

fn live(object: &str) -> Origin {
    Origin::Live {
        server: "sql01".into(),
        database: Some("Sales".into()),
        object: object.into(),
    }
}

fn log_file(name: &str, definition: FileDefinition) -> Fact<DatabaseFile> {
    Fact::new(
        DatabaseFile {
            logical_name: Some(name.into()),
            kind: FileKind::Log,
            filegroup: None,
            definition,
        },
        live("sys.database_files"),
    )
}

fn run(instance: &Instance) -> Outcomes {
    let mut outcomes = Outcomes::default();
    for rule in RULES {
        rule.check(instance, &mut outcomes);
    }
    outcomes
}

fn rules_fired(outcomes: &Outcomes) -> Vec<&str> {
    outcomes.findings.iter().map(|f| f.rule.id).collect()
}

#[test]
fn log_files_counted_per_definition() {
    let mut instance = Instance::new("sql01", Source::Live);
    let sales = instance.database_mut("Sales");
    sales
        .facts
        .files
        .push(log_file("Sales_log", FileDefinition::Catalog));
    assert!(rules_fired(&run(&instance)).is_empty());

    let sales = instance.database_mut("sales");
    sales
        .facts
        .files
        .push(log_file("Sales_log2", FileDefinition::Catalog));
    let outcomes = run(&instance);
    assert_eq!(rules_fired(&outcomes), ["LR204"]);
    assert_eq!(outcomes.findings[0].object.as_deref(), Some("Sales_log2"));
    assert_eq!(outcomes.findings[0].database.as_deref(), Some("Sales"));

    // Two scripts that each create the database with one log file: still one.
    let mut scripts = Instance::new("scripts", Source::Script);
    let db = scripts.database_mut("Sales");
    for line in [1, 40] {
        let create = Origin::script("a.sql", line, 1);
        db.facts
            .files
            .push(log_file("log", FileDefinition::CreateDatabase(create)));
    }
    assert!(rules_fired(&run(&scripts)).is_empty());
    // A log file added to a database whose creation is not in view makes two.
    scripts
        .database_mut("Other")
        .facts
        .files
        .push(log_file("x", FileDefinition::Added));
    assert_eq!(rules_fired(&run(&scripts)), ["LR204"]);
}

#[test]
fn settings_judge_the_same_whatever_the_source() {
    let mut instance = Instance::new("sql01", Source::Live);
    let facts = &mut instance.database_mut("Sales").facts;
    facts.settings.push(Fact::new(
        DatabaseSetting::RecoveryModel(RecoveryModel::Full),
        live("sys.databases"),
    ));
    facts.settings.push(Fact::new(
        DatabaseSetting::CompatibilityLevel(100),
        live("sys.databases"),
    ));
    assert!(rules_fired(&run(&instance)).is_empty());

    let facts = &mut instance.database_mut("Sales").facts;
    facts.settings.push(Fact::new(
        DatabaseSetting::RecoveryModel(RecoveryModel::BulkLogged),
        live("sys.databases"),
    ));
    facts.settings.push(Fact::new(
        DatabaseSetting::CompatibilityLevel(90),
        live("sys.databases"),
    ));
    let outcomes = run(&instance);
    assert_eq!(rules_fired(&outcomes), ["LR211", "LR215"]);
    assert_eq!(outcomes.findings[0].severity, Severity::Prerequisite);
    assert_eq!(outcomes.findings[1].severity, Severity::Warning);
}

#[test]
fn selecting_a_system_database_is_a_blocker() {
    let mut instance = Instance::new("sql01", Source::Live);
    let selection = Origin::Selection {
        source: Source::Live,
        argument: "--database MSDB".into(),
    };
    instance
        .selected_databases
        .push(Fact::new("MSDB".into(), selection));
    let outcomes = run(&instance);
    assert_eq!(rules_fired(&outcomes), ["LR201"]);
    assert_eq!(outcomes.findings[0].severity, Severity::Blocker);
}

#[test]
fn a_file_added_to_a_filestream_filegroup_seen_elsewhere_is_filestream() {
    use linkready_rules::{Filegroup, FilegroupKind};
    let mut instance = Instance::new("scripts", Source::Script);
    let facts = &mut instance.database_mut("Docs").facts;
    facts.files.push(Fact::new(
        DatabaseFile {
            logical_name: Some("docs_fs2".into()),
            kind: FileKind::Rows,
            filegroup: Some("DOCSFS".into()),
            definition: FileDefinition::Added,
        },
        Origin::script("b.sql", 3, 1),
    ));
    assert!(
        rules_fired(&run(&instance)).is_empty(),
        "a rows file stays a rows file"
    );
    let facts = &mut instance.database_mut("Docs").facts;
    facts.filegroups.push(Fact::new(
        Filegroup {
            name: "DocsFS".into(),
            kind: FilegroupKind::Filestream,
        },
        Origin::script("a.sql", 9, 1),
    ));
    let outcomes = run(&instance);
    let objects: Vec<_> = outcomes
        .findings
        .iter()
        .map(|f| f.object.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(rules_fired(&outcomes), ["LR202", "LR202"]);
    assert_eq!(objects, ["DocsFS", "docs_fs2"]);
}

/// A live instance with these server properties (everything else known
/// and healthy enough for the three rules below).
fn server(version: &str, edition: &str, host: &str) -> Instance {
    use linkready_rules::{Known, ProductVersion};
    let mut instance = Instance::new("sql01", Source::Live);
    let version = ProductVersion::parse(version).expect("a version the test writes");
    instance.facts.version = Known::Known(version);
    instance.facts.edition = Known::Known(edition.to_string());
    instance.facts.version_text = Known::Known(format!(
        "Microsoft SQL Server ({version}) (X64)\n\t{edition} on {host}"
    ));
    instance.facts.link_support_probe = Known::Known(true);
    instance
}

/// What LR102, LR103 and LR104 say: their findings and unknowns.
fn host_rules(instance: &Instance) -> (Vec<&'static str>, Vec<&'static str>) {
    let outcomes = run(instance);
    let ours = |id: &&str| ["LR102", "LR103", "LR104"].contains(id);
    let found = outcomes
        .findings
        .iter()
        .map(|f| f.rule.id)
        .filter(ours)
        .collect();
    let unknown = outcomes
        .unknowns
        .iter()
        .map(|u| u.rule.id)
        .filter(ours)
        .collect();
    (found, unknown)
}

#[test]
fn editions_hosts_and_versions_as_rules_md_says() {
    let healthy = "Windows Server 2022 Datacenter 10.0 <X64> (Build 20348: )";
    let enterprise = "Enterprise Edition (64-bit)";
    assert_eq!(
        host_rules(&server("16.0.4125.3", enterprise, healthy)),
        (vec![], vec![])
    );
    // RULES.md LR103: Enterprise Evaluation is not a supported edition.
    assert_eq!(
        host_rules(&server(
            "16.0.4125.3",
            "Enterprise Evaluation Edition (64-bit)",
            healthy
        ))
        .0,
        ["LR103"]
    );
    // RULES.md LR104: any Windows client OS; Windows Server before 2012.
    for host in [
        "Windows 8.1 Pro 6.3 <X64> (Build 9600: )",
        "Windows 7 Enterprise 6.1 <X64> (Build 7601: Service Pack 1)",
        "Windows Server 2008 R2 Datacenter 6.1 <X64> (Build 7601: Service Pack 1)",
    ] {
        assert_eq!(
            host_rules(&server("13.0.7000.253", enterprise, host)).0,
            ["LR104"],
            "{host}"
        );
    }
    // RULES.md LR102: a major version newer than the table is unknown.
    let (found, unknown) = host_rules(&server("18.0.1000.1", enterprise, healthy));
    assert_eq!((found, unknown), (vec![], vec!["LR102"]));
}
