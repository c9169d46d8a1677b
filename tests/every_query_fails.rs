//! A failed query is never "no rows" (RULES.md; issue 16): every catalog
//! query of `analyzer/collect/live/queries.rs`, and every per-database step,
//! is made to fail alone — "Msg 229, permission denied" from the scripted
//! TDS server — and the assessment is read twice, live and from the
//! inventory collected in the same state. Two checks, one from the
//! declarations and one that does not trust them:
//!
//! - declared: every rule that reads a fact set the query feeds says
//!   something (a finding or an `unknown` naming the query) at every place
//!   the query covers;
//! - differential: every finding of the healthy run that disappears when
//!   the query fails is replaced by an `unknown` of the same rule at the
//!   same place (a rule reading a fact the query fills without declaring it
//!   fails here).
//!
//! `LINKREADY_PRINT_UNKNOWNS=1 cargo test --test every_query_fails --
//! --nocapture` prints, per query, what becomes unknown.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use linkready::collect::inventory::to_document;
use linkready::collect::live::collect_raw;
use linkready::collect::live::connection::parse_server;
use linkready::collect::live::queries::{
    DATABASE_FILES, DATABASE_QUERIES, DATABASES_2016, INSTANCE_QUERIES, SERVER_PROPERTIES,
};
use linkready::{ScanRequest, run_scan};
use linkready_reports::Report;
use linkready_rules::{FactSet, ProductVersion, RULES, RuleMeta, Scope, Source, Verdict};
use serde_json::Value;
use support::tds::ScriptedServer;

/// The scenarios failed query by query: one where every query feeds a
/// finding, SQL Server 2016 (its own queries), and the sample's ready server.
const SCENARIOS: [&str; 3] = [
    "kitchen-sink",
    "sql2016-sp3-no-azure-connect",
    "sample-sql01",
];

/// A rule at a place: (rule ID, database or None for the instance).
type Place = (&'static str, Option<String>);

struct Outcome {
    findings: BTreeSet<Place>,
    /// Each unknown with its reason.
    unknowns: BTreeMap<Place, String>,
    databases: Vec<String>,
    instance_verdict: Verdict,
    errors: Vec<String>,
}

fn outcome(report: &Report) -> Outcome {
    let assessment = &report.assessment;
    assert_eq!(assessment.instances.len(), 1);
    let instance = &assessment.instances[0];
    Outcome {
        findings: assessment
            .findings
            .iter()
            .map(|f| (f.rule.id, f.database.clone()))
            .collect(),
        unknowns: assessment
            .unknowns
            .iter()
            .filter(|u| !u.needs_target)
            .map(|u| ((u.rule.id, u.database.clone()), u.reason.clone()))
            .collect(),
        databases: instance
            .databases
            .iter()
            .map(|db| db.name.clone())
            .collect(),
        instance_verdict: instance.verdict,
        errors: instance.errors.clone(),
    }
}

fn denied(query: &str) -> Value {
    serde_json::json!({ "error": {
        "number": 229,
        "message": format!("The SELECT permission was denied on the object '{query}', database 'master', schema 'sys'."),
    }})
}

/// The live and the offline assessment of a scenario (JSON).
fn assess(
    runtime: &tokio::runtime::Runtime,
    scenario: &Value,
    dir: &std::path::Path,
) -> [Report; 2] {
    let server = runtime.block_on(ScriptedServer::start(&scenario.to_string()));
    let spec = parse_server(&format!(
        "Server=127.0.0.1,{};User Id=u;Encrypt=DANGER_PLAINTEXT",
        server.addr.port()
    ))
    .unwrap();
    let live = run_scan(&ScanRequest {
        servers: vec![spec.clone()],
        password: Some("p".into()),
        live: support::live_options(1),
        ..ScanRequest::default()
    });
    let raw = runtime
        .block_on(collect_raw(
            vec![spec],
            Some("p".into()),
            support::live_options(1),
        ))
        .pop()
        .unwrap();
    let path = dir.join("server.inventory.json");
    std::fs::write(
        &path,
        serde_json::to_string(&to_document(&raw, "2026-12-02T12:00:00Z".into())).unwrap(),
    )
    .unwrap();
    let offline = run_scan(&ScanRequest {
        inventories: vec![path],
        ..ScanRequest::default()
    });
    [live, offline]
}

/// The rules a source runs that read any of `sets`.
fn readers(sets: &[FactSet], source: Source) -> Vec<&'static RuleMeta> {
    RULES
        .iter()
        .map(|rule| rule.meta())
        .filter(|meta| meta.has_source(source))
        .filter(|meta| sets.iter().any(|set| meta.reads_set(*set)))
        .collect()
}

#[test]
fn every_query_declares_what_it_feeds_and_every_read_is_fed() {
    let mut fed = BTreeSet::new();
    for query in std::iter::once(&SERVER_PROPERTIES).chain(INSTANCE_QUERIES) {
        assert!(!query.feeds.is_empty(), "{} feeds nothing", query.name);
        fed.extend(query.feeds.iter().copied());
    }
    for query in DATABASE_QUERIES {
        assert!(!query.feeds.is_empty(), "{} feeds nothing", query.name);
        fed.extend(query.feeds.iter().copied());
    }
    let read: BTreeSet<FactSet> = RULES
        .iter()
        .flat_map(|rule| rule.meta().reads.iter().copied())
        .collect();
    for set in FactSet::ALL {
        assert!(fed.contains(&set), "no query feeds {set:?}");
        assert!(read.contains(&set), "no rule reads {set:?}");
    }
    for rule in RULES {
        let meta = rule.meta();
        // LR319 judges the network test kit's results (--network-results),
        // which no query reads: it runs on servers, but reads no catalog fact.
        let catalog = (meta.has_source(Source::Live) || meta.has_source(Source::Inventory))
            && meta.id != "LR319";
        assert!(
            !catalog || !meta.reads.is_empty(),
            "{} reads catalog facts but declares none",
            meta.id
        );
    }
}

#[test]
fn no_rule_passes_silently_when_any_query_fails() {
    let runtime = support::runtime();
    let dir = tempfile::tempdir().unwrap();
    let print = std::env::var_os("LINKREADY_PRINT_UNKNOWNS").is_some();
    let mut checked = 0;
    for name in SCENARIOS {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/tds")
            .join(format!("{name}.json"));
        let base: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let major = ProductVersion::parse(base["version"].as_str().unwrap())
            .unwrap()
            .major;
        let healthy = assess(&runtime, &base, dir.path()).map(|report| outcome(&report));
        // The steps of this server: its version's instance queries, and the
        // per-database steps it answers.
        let mut steps: Vec<(String, Vec<FactSet>, Option<String>)> = vec![(
            SERVER_PROPERTIES.name.to_string(),
            FactSet::ALL.to_vec(),
            None,
        )];
        for query in INSTANCE_QUERIES
            .iter()
            .filter(|q| q.applies_to(Some(major)))
        {
            // database_files is the fallback of each database's own step:
            // alone it hides nothing (the differential check still runs).
            let feeds = if query.name == DATABASE_FILES.name {
                Vec::new()
            } else {
                query.feeds.to_vec()
            };
            steps.push((query.name.to_string(), feeds, None));
        }
        for key in base["queries"].as_object().unwrap().keys() {
            if let Some((step, database)) = key.split_once(':') {
                let query = DATABASE_QUERIES.iter().find(|q| q.name == step).unwrap();
                let feeds = query
                    .feeds
                    .iter()
                    .copied()
                    .filter(|set| *set != FactSet::Files)
                    .collect();
                steps.push((key.clone(), feeds, Some(database.to_string())));
            }
        }
        for (step, feeds, step_database) in steps {
            let mut scenario = base.clone();
            scenario["queries"][step.as_str()] = denied(&step);
            let failed = assess(&runtime, &scenario, dir.path());
            for (index, (report, before)) in failed.iter().zip(&healthy).enumerate() {
                let source = if index == 0 {
                    Source::Live
                } else {
                    Source::Inventory
                };
                let after = outcome(report);
                let context = format!("{name}, {step} failing, {}", source.as_str());
                // The query's failure is reported, never silently dropped.
                assert!(
                    after.errors.iter().any(|e| e.contains(&step)),
                    "{context}: the error is not listed: {:?}",
                    after.errors
                );
                if step == DATABASES_2016.name || step == SERVER_PROPERTIES.name {
                    // Unknown, unless a blocker is known anyway.
                    let expected = if after.findings.iter().any(|(rule, place)| {
                        place.is_none()
                            && linkready_rules::find_rule(rule)
                                .is_some_and(|r| r.severity == linkready_rules::Severity::Blocker)
                    }) {
                        Verdict::NotReady
                    } else {
                        Verdict::Unknown
                    };
                    assert_eq!(after.instance_verdict, expected, "{context}");
                }
                if step == DATABASES_2016.name {
                    assert!(
                        after
                            .errors
                            .iter()
                            .any(|e| e.contains("databases could not be listed")),
                        "{context}: {:?}",
                        after.errors
                    );
                }
                // Declared: every reader says something wherever the query
                // covers, and an unknown names the failed query.
                for rule in readers(&feeds, source) {
                    // A fact of each database is judged in each database; an
                    // instance fact (or the missing list) once, at the instance.
                    let read: Vec<FactSet> = feeds
                        .iter()
                        .copied()
                        .filter(|set| rule.reads_set(*set))
                        .collect();
                    let mut places: Vec<Option<String>> = Vec::new();
                    match (&step_database, rule.scope) {
                        (Some(database), Scope::Database) => places.push(Some(database.clone())),
                        (Some(_), Scope::Instance) => {}
                        (None, Scope::Database)
                            if !after.databases.is_empty() && step != DATABASES_2016.name =>
                        {
                            if read.iter().any(|set| set.per_database()) {
                                places.extend(after.databases.iter().cloned().map(Some));
                            }
                            if read
                                .iter()
                                .any(|set| !set.per_database() || set.also_outside_databases())
                            {
                                places.push(None);
                            }
                        }
                        (None, _) => places.push(None),
                    }
                    for place in places {
                        let key = (rule.id, place.clone());
                        if after.findings.contains(&key) {
                            continue;
                        }
                        let reason = after.unknowns.get(&key).unwrap_or_else(|| {
                            panic!("{context}: {} passes silently at {place:?}", rule.id)
                        });
                        assert!(
                            reason.contains(&step),
                            "{context}: {} is unknown, but the reason does not name the query: {reason}",
                            rule.id
                        );
                    }
                }
                // Differential: nothing found before disappears silently.
                for (rule, place) in &before.findings {
                    if after.findings.contains(&(rule, place.clone())) {
                        continue;
                    }
                    let unknown_here = after.unknowns.contains_key(&(rule, place.clone()))
                        || after.unknowns.contains_key(&(rule, None));
                    assert!(
                        unknown_here,
                        "{context}: {rule} found something at {place:?} before and now says nothing"
                    );
                }
                if print && source == Source::Live {
                    let new: BTreeSet<String> = after
                        .unknowns
                        .keys()
                        .filter(|key| !before.unknowns.contains_key(*key))
                        .map(|(rule, place)| match place {
                            Some(db) => format!("{rule}({db})"),
                            None => rule.to_string(),
                        })
                        .collect();
                    println!(
                        "{name:>28} | {step:<24} | verdict {:<21} | unknown: {}",
                        after.instance_verdict.as_str(),
                        new.into_iter().collect::<Vec<_>>().join(" ")
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "only {checked} failures checked");
}
