use crate::finding::Severity;
use crate::model::{Instance, ReferenceRole, Usage};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds three-part object names (`Other.dbo.Orders`, `Other..Orders`)
    /// whose database is another user database: tables and views read or
    /// written, procedures executed, synonyms, functions called. The current
    /// database and master, msdb, tempdb and model do not count; column
    /// references such as `dbo.Orders.Id` in a select list are not object
    /// names. When the other database is part of the same assessment, the
    /// finding is info.
    ///
    /// # Why it matters for the link
    /// The link replicates one database. After failover to the managed
    /// instance, a query that reads another database works only if that
    /// database was moved to the same managed instance too.
    ///
    /// # Example
    /// ```sql
    /// USE [Sales];
    /// SELECT o.Id, c.Name FROM dbo.Orders AS o
    /// JOIN Crm.dbo.Customers AS c ON c.Id = o.CustomerId;
    /// ```
    ///
    /// # How to fix
    /// Link the other database to the same managed instance (and fail them
    /// over together), or replace the reference (a copy of the data, an API,
    /// elastic query is not available on the managed instance).
    pub struct CrossDatabaseReference {
        id: "LR301",
        name: "cross-database-reference",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: ["CrossDatabaseReferences"],
        summary: "code references an object in another database",
    }
}

/// System databases that are not "other" databases (distribution is).
const NOT_OTHER: [&str; 4] = ["master", "msdb", "tempdb", "model"];

impl Rule for CrossDatabaseReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for usage in &facts.usages {
                let Usage::ObjectReference(reference) = &usage.value else {
                    continue;
                };
                let Some(other) = reference.database.as_deref() else {
                    continue;
                };
                if reference.server.is_some()
                    || NOT_OTHER
                        .iter()
                        .any(|system| system.eq_ignore_ascii_case(other))
                    || database.is_some_and(|current| current.eq_ignore_ascii_case(other))
                {
                    continue;
                }
                let assessed = instance
                    .databases
                    .iter()
                    .any(|db| db.name.eq_ignore_ascii_case(other));
                let verb = match reference.role {
                    ReferenceRole::Read => "reads",
                    ReferenceRole::Write => "writes",
                    ReferenceRole::Execute => "executes",
                    ReferenceRole::Synonym => "has a synonym for",
                };
                let (severity, consequence) = if assessed {
                    (Severity::Info, "link both and fail them over together")
                } else {
                    (
                        Severity::Warning,
                        "it must move to the same managed instance",
                    )
                };
                out.finding_with_severity(
                    &Self::META,
                    severity,
                    instance,
                    database,
                    Some(reference.display()),
                    format!(
                        "{verb} {} in database {other}; {consequence}",
                        reference.display()
                    ),
                    &usage.origin,
                );
            }
        });
    }
}
