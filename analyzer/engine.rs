//! Runs the rule catalog over the estate and turns findings into verdicts.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use linkready_rules::{
    Assessment, ConfigSuppressionUse, DatabaseAssessment, Estate, Finding, InstanceAssessment,
    Origin, RULES, RuleUnknown, Severity, SeverityCounts, Source, Suppression, Verdict,
};

use crate::config::Config;
use crate::score::{database_score, instance_score};

/// Runs every enabled rule that the instance's source can feed, applies the
/// configured severities, the suppression comments and linkready.toml's
/// suppressions, sorts the findings, and assigns verdicts and scores.
pub fn assess(estate: &Estate, suppressions: &[Suppression], config: &Config) -> Assessment {
    let mut used = vec![false; suppressions.len()];
    let mut matched = vec![0usize; config.suppressions.len()];
    let mut assessment = Assessment::default();
    for instance in &estate.instances {
        let mut outcomes = linkready_rules::Outcomes::with_settings(config.settings.clone());
        for rule in RULES {
            // A rule that this source cannot feed is not run: scripts never show
            // a database's state, so that rule says nothing about them.
            if rule.meta().has_source(instance.source) && config.enabled(rule.meta().id) {
                rule.check(instance, &mut outcomes);
            }
        }
        // The whole assessment is sorted at the end; nothing below depends on order.
        let mut kept = Vec::with_capacity(outcomes.findings.len());
        for mut finding in outcomes.findings {
            // A rule may lower or raise its own default (LR205 by tier); the
            // configuration, when it sets one, overrides either.
            if let Some(severity) = config.severity_override(finding.rule.id) {
                finding.severity = severity;
            }
            for (index, suppression) in suppressions.iter().enumerate() {
                if suppression.covers(&finding) {
                    used[index] = true;
                    finding
                        .suppressed_by
                        .get_or_insert_with(|| suppression.describe());
                }
            }
            for (index, suppression) in config.suppressions.iter().enumerate() {
                if suppression.matches(&finding) {
                    matched[index] += 1;
                    if !suppression.expired {
                        finding.suppressed_by.get_or_insert_with(|| {
                            format!("{}: {}", suppression.place, suppression.reason)
                        });
                    }
                }
            }
            if finding.suppressed_by.is_some() {
                assessment.suppressed.push(finding);
            } else {
                kept.push(finding);
            }
        }
        outcomes.findings = kept;

        // Findings by listed database, in one pass; the rest (instance
        // rules, scripts without USE) count toward the instance.
        let listed: HashSet<&str> = instance
            .databases
            .iter()
            .map(|db| db.name.as_str())
            .collect();
        let mut by_database: HashMap<&str, Vec<&Finding>> = HashMap::new();
        let mut own_findings: Vec<&Finding> = Vec::new();
        for finding in &outcomes.findings {
            match finding.database.as_deref().filter(|d| listed.contains(d)) {
                Some(database) => by_database.entry(database).or_default().push(finding),
                None => own_findings.push(finding),
            }
        }
        // A blocker rule that could not decide for lack of a fact (not for
        // lack of the target's description) leaves its place unknown.
        let blocks =
            |u: &RuleUnknown| config.severity(u.rule) == Severity::Blocker && !u.needs_target;
        let unknown_databases: HashSet<&str> = outcomes
            .unknowns
            .iter()
            .filter(|u| blocks(u))
            .filter_map(|u| u.database.as_deref())
            .collect();

        let databases: Vec<DatabaseAssessment> = instance
            .databases
            .iter()
            .map(|database| {
                let mut counts = SeverityCounts::default();
                let mut worst = None;
                let mine = by_database
                    .remove(database.name.as_str())
                    .unwrap_or_default();
                for finding in &mine {
                    counts.add(finding.severity);
                    worst = worst.max(Some(finding.severity));
                }
                let blocker_unknown = unknown_databases.contains(database.name.as_str());
                let verdict = verdict_for(worst, blocker_unknown);
                DatabaseAssessment {
                    name: database.name.clone(),
                    verdict,
                    score: database_score(verdict, config.weights.lost(mine)),
                    counts,
                }
            })
            .collect();

        let mut instance_worst = None;
        for finding in &own_findings {
            instance_worst = instance_worst.max(Some(finding.severity));
        }
        // Scripts never show instance facts; a live instance whose blocker
        // rules could not decide is unknown too.
        let facts_unknown = instance.source == Source::Script
            || outcomes
                .unknowns
                .iter()
                .any(|u| u.database.is_none() && blocks(u));
        let own = verdict_for(instance_worst, facts_unknown);
        let verdict = databases.iter().map(|db| db.verdict).fold(own, Ord::max);
        let score = instance_score(verdict, config.weights.lost(own_findings), &databases);

        assessment.instances.push(InstanceAssessment {
            name: instance.name.clone(),
            verdict,
            score,
            errors: instance.errors.clone(),
            databases,
        });
        assessment.findings.extend(outcomes.findings);
        assessment.unknowns.extend(outcomes.unknowns);
    }
    assessment.findings.sort_by(compare_findings);
    assessment.suppressed.sort_by(compare_findings);
    assessment.unused_suppressions = suppressions
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(suppression, _)| suppression.clone())
        .collect();
    assessment.config_suppressions = config
        .suppressions
        .iter()
        .zip(matched)
        .map(|(suppression, matched)| ConfigSuppressionUse {
            entry: suppression.clone(),
            matched,
        })
        .collect();
    assessment
}

fn verdict_for(worst: Option<Severity>, blocker_unknown: bool) -> Verdict {
    match worst {
        Some(Severity::Blocker) => Verdict::NotReady,
        _ if blocker_unknown => Verdict::Unknown,
        Some(Severity::Prerequisite | Severity::Warning) => Verdict::ReadyWithConditions,
        Some(Severity::Info) | None => Verdict::Ready,
    }
}

/// Instance, database (instance-level first), worst severity first, rule,
/// then where.
fn compare_findings(a: &Finding, b: &Finding) -> Ordering {
    a.instance
        .cmp(&b.instance)
        .then_with(|| a.database.cmp(&b.database))
        .then_with(|| b.severity.cmp(&a.severity))
        .then_with(|| a.rule.id.cmp(b.rule.id))
        .then_with(|| location_key(&a.origin).cmp(&location_key(&b.origin)))
        .then_with(|| a.object.cmp(&b.object))
        .then_with(|| a.message.cmp(&b.message))
}

fn location_key(origin: &Origin) -> (&str, u32, u32) {
    match origin {
        Origin::Script {
            path, line, column, ..
        } => (path, *line, *column),
        Origin::Live { object, .. } | Origin::Inventory { object, .. } => (object, 0, 0),
        Origin::Selection { argument, .. } => (argument, 0, 0),
    }
}
