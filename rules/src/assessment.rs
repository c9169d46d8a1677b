//! The result of a run: verdicts per database and instance, findings, unknowns.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::finding::{ConfigSuppression, Finding, RuleUnknown, Severity, Suppression};
use crate::rule::{RuleMeta, Source};

/// A database's or instance's readiness for the link (RULES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Ready,
    ReadyWithConditions,
    Unknown,
    NotReady,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::ReadyWithConditions => "ready-with-conditions",
            Verdict::Unknown => "unknown",
            Verdict::NotReady => "not-ready",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub blocker: usize,
    pub prerequisite: usize,
    pub warning: usize,
    pub info: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Blocker => self.blocker += 1,
            Severity::Prerequisite => self.prerequisite += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }
}

/// An outcome of its instance that counts in a database's verdict
/// (RULES.md: a database can be linked only if its instance can).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InheritedCause {
    pub rule: &'static RuleMeta,
    /// The finding's severity, or for an unknown the rule's.
    pub severity: Severity,
    /// The rule could not decide (a fact was not collected).
    pub unknown: bool,
    /// The finding's message or the unknown's reason (the first, when the
    /// rule has several at the instance).
    pub message: String,
}

impl InheritedCause {
    /// One line for tables and CSV: `LR102 blocker: …` / `LR107 unknown: …`.
    pub fn describe(&self) -> String {
        let outcome = if self.unknown {
            "unknown"
        } else {
            self.severity.as_str()
        };
        format!("{} {outcome}: {}", self.rule.id, self.message)
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseAssessment {
    pub name: String,
    pub verdict: Verdict,
    pub score: Option<u8>,
    /// Its own findings per severity (inherited ones are in `inherited`).
    pub counts: SeverityCounts,
    /// The instance's blocker, prerequisite and unknown outcomes that count
    /// in this verdict; empty for script input (no instance facts).
    pub inherited: Vec<InheritedCause>,
}

#[derive(Debug, Clone)]
pub struct InstanceAssessment {
    pub name: String,
    pub source: Source,
    pub verdict: Verdict,
    pub score: Option<u8>,
    pub errors: Vec<String>,
    pub databases: Vec<DatabaseAssessment>,
}

impl InstanceAssessment {
    /// Whether the instance's own prerequisites (version, edition, HADR,
    /// endpoint, …) were assessed: script input shows none of them.
    pub fn prerequisites_assessed(&self) -> bool {
        self.source != Source::Script
    }
}

/// Everything a report shows.
#[derive(Debug, Clone, Default)]
pub struct Assessment {
    pub instances: Vec<InstanceAssessment>,
    /// Sorted: instance, database, severity (worst first), rule, location.
    pub findings: Vec<Finding>,
    pub unknowns: Vec<RuleUnknown>,
    /// Findings a `-- linkready: ignore` comment suppressed, in the same order.
    pub suppressed: Vec<Finding>,
    /// Suppressions that matched no finding (a stale comment, or a typo).
    pub unused_suppressions: Vec<Suppression>,
    /// The `[[suppress]]` entries of linkready.toml and what they matched.
    pub config_suppressions: Vec<ConfigSuppressionUse>,
}

/// A linkready.toml `[[suppress]]` entry and its effect in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSuppressionUse {
    pub entry: ConfigSuppression,
    /// Findings it suppressed (or, expired, would have).
    pub matched: usize,
}

/// How many instances or databases have each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct VerdictCounts {
    pub ready: usize,
    pub ready_with_conditions: usize,
    pub unknown: usize,
    pub not_ready: usize,
}

impl VerdictCounts {
    pub fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Ready => self.ready += 1,
            Verdict::ReadyWithConditions => self.ready_with_conditions += 1,
            Verdict::Unknown => self.unknown += 1,
            Verdict::NotReady => self.not_ready += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.ready + self.ready_with_conditions + self.unknown + self.not_ready
    }

    /// Each verdict with its count, in the order reports list them.
    pub fn each(&self) -> [(Verdict, usize); 4] {
        [
            (Verdict::Ready, self.ready),
            (Verdict::ReadyWithConditions, self.ready_with_conditions),
            (Verdict::NotReady, self.not_ready),
            (Verdict::Unknown, self.unknown),
        ]
    }
}

/// A blocker rule and how much of the estate it blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockerCount {
    pub rule: &'static crate::rule::RuleMeta,
    /// Databases with at least one of its findings (instance-level findings
    /// count their instance once).
    pub places: usize,
    pub findings: usize,
}

/// An instance that could not be assessed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAssessed {
    pub instance: String,
    pub reasons: Vec<String>,
}

/// The estate at a glance: verdict counts, the most common blockers, and the
/// instances not assessed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EstateSummary {
    pub instances: VerdictCounts,
    pub databases: VerdictCounts,
    /// Most places first, then rule ID.
    pub blockers: Vec<BlockerCount>,
    pub not_assessed: Vec<NotAssessed>,
}

impl Assessment {
    /// Rolls the instances and findings up to the estate.
    pub fn estate(&self) -> EstateSummary {
        let mut summary = EstateSummary::default();
        for instance in &self.instances {
            summary.instances.add(instance.verdict);
            for db in &instance.databases {
                summary.databases.add(db.verdict);
            }
            if instance.verdict == Verdict::Unknown {
                let mut reasons = instance.errors.clone();
                if reasons.is_empty() {
                    reasons = self
                        .unknowns
                        .iter()
                        .filter(|u| u.instance == instance.name && !u.needs_target)
                        .map(|u| match &u.database {
                            Some(db) => format!("{} ({db}): {}", u.rule.id, u.reason),
                            None => format!("{}: {}", u.rule.id, u.reason),
                        })
                        .collect();
                }
                summary.not_assessed.push(NotAssessed {
                    instance: instance.name.clone(),
                    reasons,
                });
            }
        }
        // Per blocker rule: the (instance, database) places and the count.
        type Places<'a> = BTreeSet<(&'a str, Option<&'a str>)>;
        let mut by_rule: BTreeMap<&str, (&'static crate::rule::RuleMeta, Places<'_>, usize)> =
            BTreeMap::new();
        for finding in self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Blocker)
        {
            let (_, places, count) = by_rule
                .entry(finding.rule.id)
                .or_insert_with(|| (finding.rule, BTreeSet::new(), 0));
            places.insert((finding.instance.as_str(), finding.database.as_deref()));
            *count += 1;
        }
        summary.blockers = by_rule
            .into_values()
            .map(|(rule, places, findings)| BlockerCount {
                rule,
                places: places.len(),
                findings,
            })
            .collect();
        summary
            .blockers
            .sort_by(|a, b| b.places.cmp(&a.places).then(a.rule.id.cmp(b.rule.id)));
        summary
    }
}
