//! The result of a run: verdicts per database and instance, findings, unknowns.

use serde::Serialize;
use std::fmt;

use crate::finding::{Finding, RuleUnknown, Severity, Suppression};

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

#[derive(Debug, Clone)]
pub struct DatabaseAssessment {
    pub name: String,
    pub verdict: Verdict,
    pub score: Option<u8>,
    pub counts: SeverityCounts,
}

#[derive(Debug, Clone)]
pub struct InstanceAssessment {
    pub name: String,
    pub verdict: Verdict,
    pub score: Option<u8>,
    pub errors: Vec<String>,
    pub databases: Vec<DatabaseAssessment>,
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
}
