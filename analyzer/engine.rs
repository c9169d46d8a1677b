//! Runs the rule catalog over the estate and turns findings into verdicts.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use linkready_rules::{
    Assessment, ConfigSuppressionUse, DatabaseAssessment, Estate, FactSet, Finding, InheritedCause,
    Instance, InstanceAssessment, Origin, Outcomes, RULES, RuleMeta, RuleUnknown, Scope, Severity,
    SeverityCounts, Source, Suppression, Verdict,
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
            // Scripts merged into a server's instance bring the rules that
            // read scripts along.
            let fed = rule.meta().has_source(instance.source)
                || (instance.with_scripts && rule.meta().has_source(Source::Script));
            if fed && config.enabled(rule.meta().id) {
                let findings_from = outcomes.findings.len();
                let unknowns_from = outcomes.unknowns.len();
                rule.check(instance, &mut outcomes);
                unknown_where_facts_are_missing(
                    rule.meta(),
                    instance,
                    &mut outcomes,
                    findings_from,
                    unknowns_from,
                );
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
        // What a rule could not decide for lack of a fact (not for lack of
        // the target's description) counts by the rule's severity: a
        // blocker's makes its place unknown, a prerequisite's or a
        // warning's leaves a condition (check what could not be read).
        let unknown_severity = |u: &RuleUnknown| (!u.needs_target).then(|| config.severity(u.rule));
        let mut database_unknowns: HashMap<&str, Vec<Severity>> = HashMap::new();
        let mut own_unknowns: Vec<Severity> = Vec::new();
        for unknown in &outcomes.unknowns {
            let Some(severity) = unknown_severity(unknown) else {
                continue;
            };
            match unknown.database.as_deref().filter(|d| listed.contains(d)) {
                Some(database) => database_unknowns
                    .entry(database)
                    .or_default()
                    .push(severity),
                None => own_unknowns.push(severity),
            }
        }

        // A database can be linked only if its instance can (RULES.md): on
        // a live or inventory instance, the instance's own blocker and
        // prerequisite findings and its unknowns count in every database.
        // Script input shows no instance facts, so nothing is inherited.
        let (inherited_findings, inherited) = if instance.source == Source::Script {
            (Vec::new(), Vec::new())
        } else {
            inherited_causes(&own_findings, &outcomes.unknowns, &unknown_severity)
        };
        let inherited_unknowns: Vec<Severity> = inherited
            .iter()
            .filter(|cause| cause.unknown)
            .map(|cause| cause.severity)
            .collect();

        let databases: Vec<DatabaseAssessment> = instance
            .databases
            .iter()
            .map(|database| {
                let mut counts = SeverityCounts::default();
                let mine = by_database
                    .remove(database.name.as_str())
                    .unwrap_or_default();
                for finding in &mine {
                    counts.add(finding.severity);
                }
                let worst = mine
                    .iter()
                    .chain(&inherited_findings)
                    .map(|finding| finding.severity)
                    .max();
                let unknowns = database_unknowns
                    .get(database.name.as_str())
                    .into_iter()
                    .flatten()
                    .chain(&inherited_unknowns)
                    .copied();
                let verdict = verdict_for(worst, unknowns);
                let lost = config.weights.lost(
                    mine.iter()
                        .copied()
                        .chain(inherited_findings.iter().copied()),
                );
                DatabaseAssessment {
                    name: database.name.clone(),
                    verdict,
                    score: database_score(verdict, lost),
                    counts,
                    inherited: inherited.clone(),
                }
            })
            .collect();

        let own_worst = own_findings.iter().map(|finding| finding.severity).max();
        let own = verdict_for(own_worst, own_unknowns.iter().copied());
        let verdict = databases.iter().map(|db| db.verdict).fold(own, Ord::max);
        let score = instance_score(verdict, config.weights.lost(own_findings), &databases);

        assessment.instances.push(InstanceAssessment {
            name: instance.name.clone(),
            source: instance.source,
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

/// The verdict from the worst finding and the severities of the rules that
/// could not decide (RULES.md: a blocker rule's unknown makes the verdict
/// Unknown; any other unknown is at least a condition to check).
fn verdict_for(worst: Option<Severity>, unknowns: impl IntoIterator<Item = Severity>) -> Verdict {
    let worst_unknown = unknowns.into_iter().max();
    match (worst, worst_unknown) {
        (Some(Severity::Blocker), _) => Verdict::NotReady,
        (_, Some(Severity::Blocker)) => Verdict::Unknown,
        (Some(Severity::Prerequisite | Severity::Warning), _)
        | (_, Some(Severity::Prerequisite | Severity::Warning)) => Verdict::ReadyWithConditions,
        _ => Verdict::Ready,
    }
}

/// The instance's outcomes its databases inherit: the findings of instance
/// rules at blocker or prerequisite severity, and the instance-level
/// unknowns of rules that can change a verdict; one cause per rule for
/// display, every finding for the score.
fn inherited_causes<'f>(
    own_findings: &[&'f Finding],
    unknowns: &[RuleUnknown],
    unknown_severity: &dyn Fn(&RuleUnknown) -> Option<Severity>,
) -> (Vec<&'f Finding>, Vec<InheritedCause>) {
    let findings: Vec<&Finding> = own_findings
        .iter()
        .copied()
        .filter(|f| f.database.is_none() && f.rule.scope == Scope::Instance)
        .filter(|f| f.severity >= Severity::Prerequisite)
        .collect();
    let mut causes: BTreeMap<&str, InheritedCause> = BTreeMap::new();
    for finding in &findings {
        causes
            .entry(finding.rule.id)
            .or_insert_with(|| InheritedCause {
                rule: finding.rule,
                severity: finding.severity,
                unknown: false,
                message: finding.message.clone(),
            });
    }
    for unknown in unknowns.iter().filter(|u| u.database.is_none()) {
        let Some(severity) = unknown_severity(unknown).filter(|s| *s >= Severity::Warning) else {
            continue;
        };
        causes
            .entry(unknown.rule.id)
            .or_insert_with(|| InheritedCause {
                rule: unknown.rule,
                severity,
                unknown: true,
                message: unknown.reason.clone(),
            });
    }
    // Worst first, then by rule.
    let mut causes: Vec<InheritedCause> = causes.into_values().collect();
    causes.sort_by(|a, b| {
        (b.severity, !b.unknown)
            .cmp(&(a.severity, !a.unknown))
            .then(a.rule.id.cmp(b.rule.id))
    });
    (findings, causes)
}

/// A rule reading a fact set that could not be collected says `unknown`
/// wherever it found nothing and did not already say why it could not
/// decide: the engine does this for every rule from its declared `reads`,
/// so no rule can read a failed query as "no rows" (RULES.md).
fn unknown_where_facts_are_missing(
    rule: &'static RuleMeta,
    instance: &Instance,
    outcomes: &mut Outcomes,
    findings_from: usize,
    unknowns_from: usize,
) {
    let gaps: Vec<(FactSet, &String)> = rule
        .read_sets()
        .filter_map(|set| instance.gaps.get(&set).map(|reason| (set, reason)))
        .collect();
    let database_gaps = rule.scope == Scope::Database
        && instance
            .databases
            .iter()
            .any(|db| rule.reads.iter().any(|set| db.facts.gaps.contains_key(set)));
    if gaps.is_empty() && !database_gaps {
        return;
    }
    // Where the rule already said it could not decide, the failed query is
    // the cause: its error leads the reason.
    for unknown in &mut outcomes.unknowns[unknowns_from..] {
        let database = unknown
            .database
            .as_deref()
            .and_then(|name| instance.database(name));
        let gap = rule.read_sets().find_map(|set| instance.gap(set, database));
        if let Some(gap) = gap
            && !unknown.reason.contains(gap)
        {
            unknown.reason = format!("{gap}; {}", unknown.reason);
        }
    }
    let decided: HashSet<Option<String>> = outcomes.findings[findings_from..]
        .iter()
        .map(|f| f.database.clone())
        .chain(
            outcomes.unknowns[unknowns_from..]
                .iter()
                .map(|u| u.database.clone()),
        )
        .collect();
    let unknown_at_instance = outcomes.unknowns[unknowns_from..]
        .iter()
        .any(|u| u.database.is_none());
    let list_missing = gaps.iter().find(|(set, _)| *set == FactSet::DatabaseList);
    // An instance fact (a configuration, the endpoints, the logins), the
    // database list, or an instance rule: one unknown at the instance.
    // Without the database list, what a database rule found at the
    // instance (code outside any listed database) does not cover the
    // databases it could not see.
    let at_instance = match list_missing {
        Some(found) if rule.scope == Scope::Database => Some((found.1, unknown_at_instance)),
        _ => gaps
            .iter()
            .find(|(set, _)| {
                rule.scope == Scope::Instance
                    || instance.databases.is_empty()
                    || !set.per_database()
                    || set.also_outside_databases()
            })
            .map(|(_, reason)| (*reason, decided.contains(&None))),
    };
    if let Some((reason, covered)) = at_instance
        && !covered
    {
        outcomes.unknown(rule, instance, None, reason.clone());
    }
    if rule.scope == Scope::Instance || list_missing.is_some() {
        return;
    }
    // A fact of each database: unknown in each database where the rule
    // found nothing, with the instance's failed query or the database's own.
    let instance_wide = gaps
        .iter()
        .find(|(set, _)| set.per_database())
        .map(|(_, reason)| *reason);
    for database in &instance.databases {
        let reason = instance_wide.or_else(|| {
            rule.reads
                .iter()
                .find_map(|set| database.facts.gaps.get(set))
        });
        if let Some(reason) = reason
            && !decided.contains(&Some(database.name.clone()))
        {
            outcomes.unknown(rule, instance, Some(&database.name), reason.clone());
        }
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
