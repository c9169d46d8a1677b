//! What decides each database's verdict most, and what to do next: the
//! database CSV, the workbook and the terminal's summary say the same.

use std::collections::HashMap;

use linkready_rules::{Assessment, DatabaseAssessment, Finding, RuleUnknown, Verdict};

/// The causes of one database's (or one instance's) verdict, most
/// decisive first.
#[derive(Debug, Default)]
pub(crate) struct Outlook<'a> {
    /// Its first most severe finding (for an instance: among the findings
    /// without a database).
    pub top_finding: Option<&'a Finding>,
    /// The checks that could not decide for it (target-only ones excepted),
    /// in report order; a database's include its instance's.
    pub unknowns: Vec<&'a RuleUnknown>,
}

/// Every instance's and database's outlook, keyed by (instance, database;
/// None for the instance), from one pass over the findings and unknowns.
pub(crate) fn outlooks(assessment: &Assessment) -> HashMap<(&str, Option<&str>), Outlook<'_>> {
    let mut outlooks: HashMap<(&str, Option<&str>), Outlook> = HashMap::new();
    for finding in &assessment.findings {
        let entry = outlooks
            .entry((finding.instance.as_str(), finding.database.as_deref()))
            .or_default();
        if entry
            .top_finding
            .is_none_or(|top| finding.severity > top.severity)
        {
            entry.top_finding = Some(finding);
        }
    }
    let mut instance_unknowns: HashMap<&str, Vec<(usize, &RuleUnknown)>> = HashMap::new();
    let mut database_unknowns: HashMap<(&str, &str), Vec<(usize, &RuleUnknown)>> = HashMap::new();
    for (index, unknown) in assessment.unknowns.iter().enumerate() {
        if unknown.needs_target {
            continue;
        }
        match unknown.database.as_deref() {
            None => instance_unknowns
                .entry(unknown.instance.as_str())
                .or_default()
                .push((index, unknown)),
            Some(database) => database_unknowns
                .entry((unknown.instance.as_str(), database))
                .or_default()
                .push((index, unknown)),
        }
    }
    for instance in &assessment.instances {
        let own = instance_unknowns
            .get(instance.name.as_str())
            .cloned()
            .unwrap_or_default();
        outlooks
            .entry((instance.name.as_str(), None))
            .or_default()
            .unknowns = own.iter().map(|(_, unknown)| *unknown).collect();
        for database in &instance.databases {
            let mut unknowns = own.clone();
            if let Some(more) =
                database_unknowns.get(&(instance.name.as_str(), database.name.as_str()))
            {
                unknowns.extend(more.iter().copied());
            }
            unknowns.sort_by_key(|(index, _)| *index);
            outlooks
                .entry((instance.name.as_str(), Some(database.name.as_str())))
                .or_default()
                .unknowns = unknowns.into_iter().map(|(_, unknown)| unknown).collect();
        }
    }
    outlooks
}

/// What decides a database's verdict most, in full: the instance outcomes
/// it inherits (`LR102 blocker: …; …`), else its most severe finding, else
/// the first check that could not decide; empty when nothing does.
pub(crate) fn top_cause(database: &DatabaseAssessment, outlook: &Outlook) -> String {
    if !database.inherited.is_empty() {
        return database
            .inherited
            .iter()
            .map(|cause| cause.describe())
            .collect::<Vec<_>>()
            .join("; ");
    }
    if let Some(finding) = outlook.top_finding {
        return format!(
            "{} {}: {}",
            finding.rule.id,
            finding.severity.as_str(),
            finding.message
        );
    }
    outlook
        .unknowns
        .first()
        .map(|unknown| format!("{} unknown: {}", unknown.rule.id, unknown.reason))
        .unwrap_or_default()
}

/// The next step for a database with this verdict, whose most decisive
/// rule is `rule` (an inherited outcome's, else its top finding's).
pub(crate) fn next_action(verdict: Verdict, rule: Option<&str>) -> String {
    match (verdict, rule) {
        (Verdict::Ready, _) => "write the link scripts: linkready scripts".to_string(),
        (Verdict::Unknown, _) => "assess again where what is unknown can be read".to_string(),
        (Verdict::ReadyWithConditions, Some(id)) => {
            format!("meet the conditions (linkready rule {id}), then linkready scripts")
        }
        (Verdict::NotReady, Some(id)) => format!("resolve the blocker (linkready rule {id})"),
        (_, None) => "see the findings".to_string(),
    }
}
