use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds tables and columns named NEXT (in CREATE TABLE, ALTER TABLE …
    /// ADD).
    ///
    /// # Why it matters for the link
    /// NEXT is a reserved word from compatibility level 110 (`NEXT VALUE
    /// FOR`); the managed instance runs databases at 100 or higher, and code
    /// that names such a column without brackets fails once the level is
    /// raised.
    ///
    /// # Example
    /// ```sql
    /// CREATE TABLE dbo.Steps (Id int, Next int);
    /// ```
    ///
    /// # How to fix
    /// Rename the column or table, or bracket every use of it (`[Next]`).
    pub struct NextColumn {
        id: "LR315",
        name: "next-column",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: ["NextColumn"],
        summary: "a table or column is named NEXT, a reserved word",
    }
}

impl Rule for NextColumn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for name in &facts.next_names {
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(name.value.clone()),
                    format!(
                        "{} is named NEXT, a reserved word from compatibility level 110",
                        name.value
                    ),
                    &name.origin,
                );
            }
        });
    }
}
