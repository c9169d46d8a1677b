use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_call};

crate::declare_rule! {
    /// # What it does
    /// Finds calls of system procedures removed in SQL Server 2012:
    /// `sp_dboption`, `sp_addalias`, `sp_dropalias`, `sp_addgroup`,
    /// `sp_changegroup`, `sp_dropgroup`, `sp_helpgroup`, `sp_activedirectory_*`,
    /// and `sp_addserver`.
    ///
    /// # Why it matters for the link
    /// The managed instance runs the current engine: these procedures do not
    /// exist there (and `sp_addserver` is not allowed), so the code that
    /// calls them fails after failover.
    ///
    /// # Example
    /// ```sql
    /// EXEC sp_dboption 'Sales', 'trunc. log on chkpt.', 'true';
    /// ```
    ///
    /// # How to fix
    /// Use `ALTER DATABASE … SET` instead of `sp_dboption`, roles instead of
    /// groups and aliases (`ALTER ROLE … ADD MEMBER`).
    pub struct RemovedSystemProcedures {
        id: "LR313",
        name: "removed-system-procedures",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: ["SystemProcedures110", "DatabasePrincipalAlias"],
        summary: "code calls system procedures removed from SQL Server",
    }
}

const REMOVED: [&str; 8] = [
    "sp_dboption",
    "sp_addalias",
    "sp_dropalias",
    "sp_addgroup",
    "sp_changegroup",
    "sp_dropgroup",
    "sp_helpgroup",
    "sp_addserver",
];

fn is_removed(name: &str) -> bool {
    REMOVED.iter().any(|p| p.eq_ignore_ascii_case(name))
        || name
            .get(..19)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("sp_activedirectory_"))
}

impl Rule for RemovedSystemProcedures {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_call(instance, |database, call, origin| {
            if is_removed(call.short_name()) {
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(call.name.clone()),
                    format!(
                        "calls {}, which SQL Server no longer has",
                        call.short_name()
                    ),
                    origin,
                );
            }
        });
    }
}
