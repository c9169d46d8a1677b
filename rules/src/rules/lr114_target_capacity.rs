use crate::model::{Database, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

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
        reads: [DatabaseList],
        aliases: ["NumDbExceeds100", "MIInstanceSize"],
        summary: "the databases do not fit the target managed instance",
    }
}

impl Rule for TargetCapacity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let to_link = databases_to_link(instance);
        if to_link.is_empty() {
            return;
        }
        let known_sizes: Vec<u64> = to_link
            .iter()
            .filter_map(|db| db.facts.size_mb.as_ref().map(|size| size.value))
            .collect();
        let total_mb: u64 = known_sizes.iter().sum();
        let Some(target) = out.target().cloned() else {
            return out.needs_target(
                &Self::META,
                instance,
                None,
                format!(
                    "{} user databases, {total_mb} MB in all; the target's tier, existing databases and free storage decide ([target] in linkready.toml)",
                    to_link.len()
                ),
            );
        };
        let origin = instance_origin(instance, "sys.databases");
        let already = target.databases.len();
        match target.tier {
            Some(tier) if to_link.len() + already > tier.database_limit() => out.finding(
                &Self::META,
                instance,
                None,
                Some("sys.databases".to_string()),
                format!(
                    "{} databases to link plus {already} already on the target exceed the {} limit of {} databases",
                    to_link.len(),
                    tier.as_str(),
                    tier.database_limit()
                ),
                &origin,
            ),
            Some(_) => {}
            None => out.needs_target(
                &Self::META,
                instance,
                None,
                "the database limit depends on the tier ([target] tier in linkready.toml)",
            ),
        }
        match target.free_storage_mb {
            Some(free) if total_mb > free => out.finding(
                &Self::META,
                instance,
                None,
                Some("sys.master_files".to_string()),
                format!("the databases to link take {total_mb} MB; the target has {free} MB free"),
                &origin,
            ),
            Some(_) if known_sizes.len() < to_link.len() => out.unknown(
                &Self::META,
                instance,
                None,
                "the size of some databases was not collected",
            ),
            Some(_) => {}
            None => out.needs_target(
                &Self::META,
                instance,
                None,
                format!("{total_mb} MB to link; compare with the target's free storage ([target] free_storage_gb in linkready.toml)"),
            ),
        }
    }
}

/// The databases to be linked.
fn databases_to_link(instance: &Instance) -> Vec<&Database> {
    instance
        .databases
        .iter()
        .filter(|db| instance.is_selected(&db.name))
        .collect()
}
