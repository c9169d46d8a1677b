//! The rule catalog is complete and consistent: every rule file registered,
//! IDs unique, docs with the fixed headings, fixtures present; every rule
//! of ../shared/RULES.md here with its ID, name and severity, rules beyond
//! it numbered after it, and every rule in the README's catalog.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use linkready_rules::{RULES, Source};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn every_rule_file_is_registered_once() {
    let files: BTreeSet<String> = std::fs::read_dir(Path::new(ROOT).join("rules/src/rules"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("lr") && name.ends_with(".rs"))
        .map(|name| name[..5].to_ascii_uppercase())
        .collect();
    let ids: Vec<&str> = RULES.iter().map(|rule| rule.meta().id).collect();
    let unique: BTreeSet<String> = ids.iter().map(|id| id.to_string()).collect();
    assert_eq!(unique.len(), ids.len(), "repeated rule IDs: {ids:?}");
    assert_eq!(files, unique, "rule files and the registry differ");
}

#[test]
fn every_rule_has_its_docs_and_fixtures() {
    for rule in RULES.iter().map(|r| r.meta()) {
        for heading in [
            "What it does",
            "Why it matters for the link",
            "Example",
            "How to fix",
        ] {
            let section = rule.docs_section(heading);
            assert!(
                section.is_some_and(|text| !text.is_empty()),
                "{} lacks the docs section {heading:?}",
                rule.id
            );
        }
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summary ends with a period",
            rule.id
        );
        if rule.has_source(Source::Script) {
            for fixture in ["fires.sql", "passes.sql"] {
                let path = Path::new(ROOT)
                    .join("fixtures/rules")
                    .join(rule.id)
                    .join(fixture);
                assert!(path.is_file(), "{} lacks {}", rule.id, path.display());
            }
        }
    }
}

#[test]
fn ids_names_and_severities_match_the_catalog_in_rules_md() {
    let catalog = Path::new(ROOT).join("../shared/RULES.md");
    // On a clone of the project alone there is no ../shared: the test says
    // it skipped, except in CI, where the catalog must be there.
    if !catalog.is_file() {
        assert!(
            std::env::var_os("CI").is_none_or(|ci| ci != "true"),
            "{} not found, and CI=true requires it",
            catalog.display()
        );
        println!("skipped: ../shared/RULES.md not found");
        eprintln!("skipped: ../shared/RULES.md not found");
        return;
    }
    let text = std::fs::read_to_string(&catalog)
        .unwrap_or_else(|error| panic!("{}: {error}", catalog.display()));
    // Every rule RULES.md lists exists, as it says (RULES.md is the
    // shared catalog; the project owns the rules after it).
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|line| line.starts_with("| LR"))
        .map(|row| row.split('|').map(str::trim).collect())
        .collect();
    assert!(!rows.is_empty(), "no rule rows in RULES.md");
    for cells in &rows {
        let id = cells[1];
        let rule = RULES
            .iter()
            .map(|r| r.meta())
            .find(|rule| rule.id == id)
            .unwrap_or_else(|| panic!("{id} of RULES.md is not a rule here"));
        assert_eq!(cells[2], rule.name, "{} name", rule.id);
        assert!(
            cells[3]
                .split(" / ")
                .any(|severity| severity == rule.severity.as_str()),
            "{} severity {} not in {:?}",
            rule.id,
            rule.severity,
            cells[3]
        );
        let sources: Vec<&str> = rule.sources.iter().map(|s| s.as_str()).collect();
        for source in sources {
            assert!(
                cells[5].contains(source),
                "{}: source {source} not in {:?}",
                rule.id,
                cells[5]
            );
        }
        let aliases: Vec<&str> = cells[6]
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        assert_eq!(aliases, rule.aliases, "{} aliases", rule.id);
    }
    // A rule beyond it takes an ID after the highest there (IDs are never
    // reused).
    let highest = rows
        .iter()
        .filter_map(|cells| cells[1].strip_prefix("LR")?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    for rule in RULES.iter().map(|r| r.meta()) {
        if rows.iter().any(|cells| cells[1] == rule.id) {
            continue;
        }
        let number: u32 = rule.id.trim_start_matches("LR").parse().unwrap();
        assert!(
            number > highest,
            "{} is not in RULES.md and not after its highest ID LR{highest}",
            rule.id
        );
    }
}

/// The project's own catalog: every rule that reads scripts is in the
/// README's table of what fires in scripts, with its name and severity
/// (`linkready rules` lists them all).
#[test]
fn every_script_rule_is_in_the_readme_catalog() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    for rule in RULES
        .iter()
        .map(|r| r.meta())
        .filter(|rule| rule.has_source(Source::Script))
    {
        let row = readme
            .lines()
            .find(|line| line.starts_with(&format!("| {} |", rule.id)))
            .unwrap_or_else(|| panic!("{} is not in the README's catalog", rule.id));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], rule.name, "{} name in the README", rule.id);
        assert!(
            cells[3].contains(rule.severity.as_str()),
            "{} severity in the README: {:?}",
            rule.id,
            cells[3]
        );
    }
}
