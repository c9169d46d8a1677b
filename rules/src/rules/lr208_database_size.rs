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
        reads: [DatabaseList],
        aliases: ["MIDatabaseSize"],
        summary: "the database is larger than the target can hold",
    }
}

impl Rule for DatabaseSize {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        // The most one database may take on the target: its free storage,
        // capped by the tier's maximum; None until the target is described.
        let limit = out.target().and_then(|target| {
            match (
                target.free_storage_mb,
                target.tier.map(|tier| tier.max_storage_mb()),
            ) {
                (Some(free), Some(max)) => Some(free.min(max)),
                (free, max) => free.or(max),
            }
        });
        for database in &instance.databases {
            let Some(size) = &database.facts.size_mb else {
                // Without the size a configured target cannot be judged:
                // unknown, never a silent pass.
                if limit.is_some() {
                    out.unknown(
                        &Self::META,
                        instance,
                        Some(&database.name),
                        "the database size was not collected",
                    );
                }
                continue;
            };
            let size_mb = size.value;
            match limit {
                Some(limit) if size_mb > limit => out.finding(
                    &Self::META,
                    instance,
                    Some(&database.name),
                    Some(database.name.clone()),
                    format!("{size_mb} MB does not fit the target's {limit} MB (free storage or the tier's maximum)"),
                    &size.origin,
                ),
                Some(_) => {}
                None => out.needs_target(
                    &Self::META,
                    instance,
                    Some(&database.name),
                    format!(
                        "{size_mb} MB; the target's free storage and tier decide ([target] in linkready.toml)"
                    ),
                ),
            }
        }
    }
}
