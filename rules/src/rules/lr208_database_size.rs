use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Checks that a database fits the target's free storage and its tier's
    /// maximum. Until the target is described (linkready.toml, `[target]`
    /// tier and free storage), it reports the size it would check.
    ///
    /// # Why it matters for the link
    /// Seeding writes the whole database to the managed instance: one that
    /// does not fit fails.
    ///
    /// # Example
    /// `Archive` is 18 TB; General Purpose allows 16 TB.
    ///
    /// # How to fix
    /// Raise the target's storage (or choose a tier that allows the size),
    /// or reduce the database before linking.
    pub struct DatabaseSize {
        id: "LR208",
        name: "database-size",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory],
        aliases: ["MIDatabaseSize"],
        summary: "the database is larger than the target can hold",
    }
}

impl Rule for DatabaseSize {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for database in &instance.databases {
            let Some(size) = &database.facts.size_mb else {
                continue;
            };
            out.needs_target(
                &Self::META,
                instance,
                Some(&database.name),
                format!(
                    "{} MB; the target's free storage and tier decide ([target] in linkready.toml)",
                    size.value
                ),
            );
        }
    }
}
