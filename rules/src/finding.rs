//! What rules produce: findings with their evidence, and rules that could not
//! decide because a fact was unknown.

use serde::Serialize;
use std::fmt;

use crate::model::Origin;
use crate::rule::RuleMeta;

/// How much a finding matters for the link (RULES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Prerequisite,
    Blocker,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Blocker,
        Severity::Prerequisite,
        Severity::Warning,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Prerequisite => "prerequisite",
            Severity::Blocker => "blocker",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found, with the evidence that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// The effective severity (a rule may lower or raise its default, e.g. LR205 by tier).
    pub severity: Severity,
    pub instance: String,
    /// None for instance-level findings and for script constructs outside any database.
    pub database: Option<String>,
    /// The object concerned (table, filegroup, file, setting), when there is one.
    pub object: Option<String>,
    pub message: String,
    pub origin: Origin,
}

/// A rule that needed a fact which could not be collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleUnknown {
    pub rule: &'static RuleMeta,
    pub instance: String,
    pub database: Option<String>,
    pub reason: String,
}
