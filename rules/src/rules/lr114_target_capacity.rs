use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Checks that the databases to link, plus those already on the target,
    /// fit the managed instance: at most 100 databases (500 on Next-gen
    /// General Purpose) and within its free storage. Until the target is
    /// described (linkready.toml, `[target]` tier, existing databases, free
    /// storage), it reports the count and total size it would check.
    ///
    /// # Why it matters for the link
    /// A database that does not fit cannot be seeded.
    ///
    /// # Example
    /// 40 databases, 3.2 TB, toward an instance with 70 databases and 2 TB free.
    ///
    /// # How to fix
    /// Spread the databases over several managed instances, or raise the
    /// target's storage before linking.
    pub struct TargetCapacity {
        id: "LR114",
        name: "target-capacity",
        severity: Blocker,
        scope: Instance,
        sources: [Live, Inventory],
        aliases: ["NumDbExceeds100", "MIInstanceSize"],
        summary: "the databases do not fit the target managed instance",
    }
}

impl Rule for TargetCapacity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        if instance.databases.is_empty() {
            return;
        }
        let total_mb: u64 = instance
            .databases
            .iter()
            .filter_map(|db| db.facts.size_mb.as_ref())
            .map(|size| size.value)
            .sum();
        out.needs_target(
            &Self::META,
            instance,
            None,
            format!(
                "{} user databases, {total_mb} MB in all; the target's tier, existing databases and free storage decide ([target] in linkready.toml)",
                instance.databases.len()
            ),
        );
    }
}
