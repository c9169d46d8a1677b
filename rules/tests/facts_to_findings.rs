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
