//! The pure domain of linkready: the fact model that every collector fills, the
//! rule catalog that judges it, and the findings and verdicts that come out.
//!
//! Nothing here does I/O or knows about TDS, files or SQL parsing: a rule sees
//! facts and their origins, never where they were read from.

mod assessment;
mod finding;
pub mod link_errors;
pub mod link_facts;
pub mod link_status;
mod model;
mod quote;
mod registry;
mod rule;
pub mod rules;
mod settings;

pub use assessment::{
    Assessment, BlockerCount, ConfigSuppressionUse, DatabaseAssessment, EstateSummary,
    InheritedCause, InstanceAssessment, NotAssessed, SeverityCounts, Verdict, VerdictCounts,
};
pub use finding::{
    ConfigSuppression, Finding, Needs, RuleUnknown, Severity, Suppression, SuppressionScope,
    glob_match,
};
pub use model::*;
pub use quote::{tsql_name, tsql_string};
pub use registry::{RULES, find_rule, find_rules};
pub use rule::{Outcomes, Rule, RuleMeta, SYSTEM_DATABASES, Scope, Source, is_system_database};
pub use settings::{NetworkDirection, NetworkTest, Settings, Target, Tier, UpdatePolicy};
