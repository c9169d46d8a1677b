use crate::model::{DatabaseSetting, Instance, RecoveryModel};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Fires when the recovery model is not FULL: live, the database's
    /// current model; in scripts, every `ALTER DATABASE … SET RECOVERY SIMPLE`
    /// or `BULK_LOGGED`.
    ///
    /// # Why it matters for the link
    /// The link is an availability group, and availability groups ship the
    /// transaction log: a database must be in the FULL recovery model, with a
    /// full backup taken after the switch.
    ///
    /// # Example
    /// ```sql
    /// ALTER DATABASE [Staging] SET RECOVERY SIMPLE WITH NO_WAIT;
    /// ```
    ///
    /// # How to fix
    /// `ALTER DATABASE [Staging] SET RECOVERY FULL;` then take a full backup
    /// (not COPY_ONLY). The generated link scripts do both.
    pub struct RecoveryModelNotFull {
        id: "LR211",
        name: "recovery-model",
        severity: Prerequisite,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [DatabaseList],
        aliases: [],
        summary: "the recovery model is not FULL",
    }
}

impl Rule for RecoveryModelNotFull {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for setting in &facts.settings {
                if let DatabaseSetting::RecoveryModel(model) = setting.value
                    && model != RecoveryModel::Full
                {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some("RECOVERY".to_string()),
                        format!("recovery model {}; the link needs FULL and a full backup after the switch", model.as_str()),
                        &setting.origin,
                    );
                }
            }
        });
    }
}
