//! The rule trait, rule metadata, and the macro that keeps a rule's docs and
//! metadata in one place.

use serde::Serialize;

use crate::finding::{Finding, Needs, RuleUnknown, Severity};
use crate::model::{DatabaseFacts, FactSet, Instance, Known, Origin, ProcedureCall, Usage};
use crate::settings::{Settings, Target};

/// What a rule judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Instance,
    Database,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Instance => "instance",
            Scope::Database => "database",
        }
    }
}

/// A kind of fact source (the `sources` column of RULES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Live,
    Inventory,
    Script,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Live => "live",
            Source::Inventory => "inventory",
            Source::Script => "script",
        }
    }
}

/// Everything about a rule except its check.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable ID, e.g. `LR202`.
    pub id: &'static str,
    /// Kebab-case name, e.g. `filestream`.
    pub name: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    pub sources: &'static [Source],
    /// The catalog fact sets the check reads: where one could not be
    /// collected, the engine makes the rule `unknown` there (unless it
    /// found something anyway).
    pub reads: &'static [FactSet],
    /// The IDs Microsoft's assessments use for the same problem.
    pub aliases: &'static [&'static str],
    /// One line, lowercase, no trailing period.
    pub summary: &'static str,
    /// The rule's doc comment: What it does / Why it matters for the link /
    /// Example / How to fix.
    pub docs: &'static str,
}

impl RuleMeta {
    /// The rule docs as Markdown, without the one-space indent doc comments carry.
    pub fn docs_markdown(&self) -> String {
        let mut text = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text.trim().to_string() + "\n"
    }

    /// The text under one `# Heading` of the docs.
    pub fn docs_section(&self, heading: &str) -> Option<String> {
        let docs = self.docs_markdown();
        let mut lines = docs.lines().skip_while(|line| {
            line.strip_prefix("# ")
                .is_none_or(|title| !title.eq_ignore_ascii_case(heading))
        });
        lines.next()?;
        let body: Vec<&str> = lines.take_while(|line| !line.starts_with("# ")).collect();
        Some(body.join("\n").trim().to_string())
    }

    pub fn has_source(&self, source: Source) -> bool {
        self.sources.contains(&source)
    }

    /// Whether the check reads `set`: declared in `reads`, and for every
    /// database rule the database list (it judges the databases listed).
    pub fn reads_set(&self, set: FactSet) -> bool {
        self.reads.contains(&set) || (set == FactSet::DatabaseList && self.scope == Scope::Database)
    }

    /// The fact sets the check reads (see `reads_set`).
    pub fn read_sets(&self) -> impl Iterator<Item = FactSet> + '_ {
        let list = (self.scope == Scope::Database && !self.reads.contains(&FactSet::DatabaseList))
            .then_some(FactSet::DatabaseList);
        self.reads.iter().copied().chain(list)
    }
}

/// What a rule's check produces for one instance.
#[derive(Debug, Default)]
pub struct Outcomes {
    pub findings: Vec<Finding>,
    pub unknowns: Vec<RuleUnknown>,
    /// The target and rule options (linkready.toml); defaults without one.
    pub settings: Settings,
}

impl Outcomes {
    pub fn with_settings(settings: Settings) -> Self {
        Outcomes {
            settings,
            ..Outcomes::default()
        }
    }

    /// The target managed instance, when linkready.toml describes it.
    pub fn target(&self) -> Option<&Target> {
        self.settings.target.as_ref()
    }

    /// Records a finding at the rule's default severity.
    pub fn finding(
        &mut self,
        rule: &'static RuleMeta,
        instance: &Instance,
        database: Option<&str>,
        object: Option<String>,
        message: String,
        origin: &Origin,
    ) {
        self.finding_with_severity(
            rule,
            rule.severity,
            instance,
            database,
            object,
            message,
            origin,
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub fn finding_with_severity(
        &mut self,
        rule: &'static RuleMeta,
        severity: Severity,
        instance: &Instance,
        database: Option<&str>,
        object: Option<String>,
        message: String,
        origin: &Origin,
    ) {
        self.findings.push(Finding {
            rule,
            severity,
            instance: instance.name.clone(),
            database: database.map(str::to_string),
            object,
            message,
            origin: origin.clone(),
            suppressed_by: None,
        });
    }

    pub fn unknown(
        &mut self,
        rule: &'static RuleMeta,
        instance: &Instance,
        database: Option<&str>,
        reason: impl Into<String>,
    ) {
        self.push_unknown(rule, instance, database, reason.into(), None);
    }

    /// An instance fact's value; when it was not collected, records that the
    /// rule could not decide and gives None.
    pub fn known<'f, T>(
        &mut self,
        rule: &'static RuleMeta,
        instance: &Instance,
        fact: &'f Known<T>,
    ) -> Option<&'f T> {
        match fact {
            Known::Known(value) => Some(value),
            Known::Unknown(reason) => {
                self.unknown(rule, instance, None, reason.clone());
                None
            }
        }
    }

    /// A target-dependent rule without the target's description: says what
    /// it saw and what it would need, without making the verdict unknown.
    pub fn needs_target(
        &mut self,
        rule: &'static RuleMeta,
        instance: &Instance,
        database: Option<&str>,
        reason: impl Into<String>,
    ) {
        self.push_unknown(rule, instance, database, reason.into(), Some(Needs::Target));
    }

    /// A rule that judges results the user brings (the network test kit's)
    /// without them: a note of what to run, not a pass, and not an unknown
    /// verdict.
    pub fn needs_results(
        &mut self,
        rule: &'static RuleMeta,
        instance: &Instance,
        reason: impl Into<String>,
    ) {
        self.push_unknown(
            rule,
            instance,
            None,
            reason.into(),
            Some(Needs::NetworkResults),
        );
    }

    fn push_unknown(
        &mut self,
        rule: &'static RuleMeta,
        instance: &Instance,
        database: Option<&str>,
        reason: String,
        needs: Option<Needs>,
    ) {
        self.unknowns.push(RuleUnknown {
            rule,
            instance: instance.name.clone(),
            database: database.map(str::to_string),
            reason,
            needs_target: needs.is_some(),
            needs,
        });
    }
}

/// A check over the fact model. Rules are unit structs declared with
/// [`declare_rule!`](crate::declare_rule); one file each under `rules/`.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Judges one instance: its own facts and, for database rules, each of its
    /// databases (and the script facts attributed to none).
    fn check(&self, instance: &Instance, out: &mut Outcomes);
}

/// The system databases: never link candidates, and a script construct under
/// `USE` of one of them belongs to the instance (RULES.md).
pub const SYSTEM_DATABASES: [&str; 5] = ["master", "model", "msdb", "tempdb", "distribution"];

pub fn is_system_database(name: &str) -> bool {
    SYSTEM_DATABASES
        .iter()
        .any(|system| system.eq_ignore_ascii_case(name))
}

/// SQL Server's own OLE DB providers; any other is a non-SQL provider.
const SQL_SERVER_PROVIDERS: [&str; 7] = [
    "SQLNCLI",
    "SQLNCLI10",
    "SQLNCLI11",
    "SQLOLEDB",
    "MSOLEDBSQL",
    "MSOLEDBSQL19",
    "SQL Server",
];

/// Whether an OLE DB provider name is SQL Server's own.
pub fn is_sql_server_provider(provider: &str) -> bool {
    let provider = provider.trim();
    SQL_SERVER_PROVIDERS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(provider))
}

/// The origin of a fact read from the instance itself (a catalog object or
/// server property, no database).
pub(crate) fn instance_origin(instance: &Instance, object: &str) -> Origin {
    Origin::catalog(instance.source, instance.name.clone(), None, object)
}

/// Calls `check` for every database of the instance, then for the script
/// facts that belong to no database (with `None` as the name).
pub fn for_each_database(instance: &Instance, mut check: impl FnMut(Option<&str>, &DatabaseFacts)) {
    for database in &instance.databases {
        check(Some(&database.name), &database.facts);
    }
    if !instance.unattributed.is_empty() {
        check(None, &instance.unattributed);
    }
}

/// Calls `check` for every procedure call in every database (and in the
/// code that belongs to no database), with where it was seen.
pub fn for_each_call(
    instance: &Instance,
    mut check: impl FnMut(Option<&str>, &ProcedureCall, &Origin),
) {
    for_each_database(instance, |database, facts| {
        for usage in &facts.usages {
            if let Usage::ProcedureCall(call) = &usage.value {
                check(database, call, &usage.origin);
            }
        }
    });
}

/// Declares a rule: its doc comment (What it does / Why it matters for the
/// link / Example / How to fix) becomes `META.docs`, shown by `linkready rule`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            id: $id:literal,
            name: $rule_name:literal,
            severity: $severity:ident,
            scope: $scope:ident,
            sources: [$($source:ident),* $(,)?],
            reads: [$($read:ident),* $(,)?],
            aliases: [$($alias:literal),* $(,)?],
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            pub const META: $crate::RuleMeta = $crate::RuleMeta {
                id: $id,
                name: $rule_name,
                severity: $crate::Severity::$severity,
                scope: $crate::Scope::$scope,
                sources: &[$($crate::Source::$source),*],
                reads: &[$($crate::FactSet::$read),*],
                aliases: &[$($alias),*],
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}
