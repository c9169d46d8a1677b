use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Compares the server collation with the target managed instance's.
    /// Until the target is described (linkready.toml, `[target] collation`),
    /// it reports the server's collation and what it needs.
    ///
    /// # Why it matters for the link
    /// After failover, temporary tables and comparisons with tempdb follow
    /// the managed instance's collation: queries that join them to the
    /// database's columns can fail with collation conflicts.
    ///
    /// # Example
    /// SQL Server `Latin1_General_CI_AS`; the managed instance
    /// `SQL_Latin1_General_CP1_CI_AS`.
    ///
    /// # How to fix
    /// Create the managed instance with the server's collation (it cannot
    /// change later), or make the code collation-explicit.
    pub struct CollationMismatch {
        id: "LR112",
        name: "collation-mismatch",
        severity: Warning,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [ServerProperties],
        aliases: [],
        summary: "the server collation differs from the target managed instance's",
    }
}

impl Rule for CollationMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let Some(collation) = out.known(&Self::META, instance, &instance.facts.collation) else {
            return;
        };
        match out.target().and_then(|target| target.collation.clone()) {
            // Collation names compare without regard to case.
            Some(target) if !target.eq_ignore_ascii_case(collation) => out.finding(
                &Self::META,
                instance,
                None,
                Some("SERVERPROPERTY('Collation')".to_string()),
                format!("server collation {collation}; the target managed instance uses {target}"),
                &instance_origin(instance, "SERVERPROPERTY('Collation')"),
            ),
            Some(_) => {}
            None => out.needs_target(
                &Self::META,
                instance,
                None,
                format!("server collation {collation}; compare it with the target's ([target] collation in linkready.toml)"),
            ),
        }
    }
}
