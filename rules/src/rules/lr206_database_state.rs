use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Fires when a database is not ONLINE, or is read-only, in standby, or
    /// in single-user mode.
    ///
    /// # Why it matters for the link
    /// The link seeds and replicates an online, read-write database that its
    /// availability group can open: any of these states stops it.
    ///
    /// # Example
    /// `sys.databases.state_desc` = `RESTORING` (a log shipping secondary).
    ///
    /// # How to fix
    /// Bring the database online and read-write in multi-user mode
    /// (`ALTER DATABASE … SET ONLINE, READ_WRITE, MULTI_USER`), or link the
    /// primary instead of a standby copy.
    pub struct DatabaseState {
        id: "LR206",
        name: "database-state",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory],
        reads: [DatabaseList],
        aliases: [],
        summary: "the database is not online, read-write and multi-user",
    }
}

impl Rule for DatabaseState {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for database in &instance.databases {
            let Some(state) = &database.facts.state else {
                out.unknown(
                    &Self::META,
                    instance,
                    Some(&database.name),
                    "database state not collected",
                );
                continue;
            };
            let value = &state.value;
            let mut problems = Vec::new();
            if !value.state.eq_ignore_ascii_case("ONLINE") {
                problems.push(value.state.clone());
            }
            if value.read_only {
                problems.push("READ_ONLY".to_string());
            }
            if value.standby {
                problems.push("STANDBY".to_string());
            }
            if value.user_access.eq_ignore_ascii_case("SINGLE_USER") {
                problems.push("SINGLE_USER".to_string());
            }
            if !problems.is_empty() {
                out.finding(
                    &Self::META,
                    instance,
                    Some(&database.name),
                    Some("state".to_string()),
                    format!(
                        "database is {}; the link needs it ONLINE, read-write, multi-user",
                        problems.join(", ")
                    ),
                    &state.origin,
                );
            }
        }
    }
}
