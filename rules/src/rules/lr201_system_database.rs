use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, is_system_database};

crate::declare_rule! {
    /// # What it does
    /// Fires when a system database (master, model, msdb, tempdb or
    /// distribution) is explicitly selected for linking, with `--database` or
    /// in the configuration.
    ///
    /// # Why it matters for the link
    /// The link replicates user databases only: it builds an availability
    /// group per database, and system databases cannot join one. Logins, Agent
    /// jobs and other server objects that live in them never replicate.
    ///
    /// # Example
    /// ```text
    /// linkready scan scripts/ --database msdb
    /// ```
    ///
    /// # How to fix
    /// Select the user databases to link. Recreate logins, Agent jobs, linked
    /// servers and credentials on the managed instance separately.
    pub struct SystemDatabase {
        id: "LR201",
        name: "system-database",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [DatabaseList],
        aliases: [],
        summary: "a system database is selected for linking",
    }
}

impl Rule for SystemDatabase {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for selected in &instance.selected_databases {
            if is_system_database(&selected.value) {
                out.finding(
                    &Self::META,
                    instance,
                    Some(&selected.value),
                    Some(selected.value.clone()),
                    format!(
                        "system database {} is selected for linking; only user databases can be linked",
                        selected.value
                    ),
                    &selected.origin,
                );
            }
        }
    }
}
