use crate::model::{DatabaseSetting, Instance, RecoveryModel};
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Fires when a database has no full backup that is not COPY_ONLY since
    /// its recovery model last changed (its log chain has not started), or
    /// has only COPY_ONLY full backups.
    ///
    /// # Why it matters for the link
    /// Automatic seeding starts from the log chain a full backup begins:
    /// without one the link fails with error 1475.
    ///
    /// # Example
    /// `Sales` was switched to FULL yesterday; its only full backup is COPY_ONLY.
    ///
    /// # How to fix
    /// `BACKUP DATABASE [Sales] TO URL = '…' WITH CHECKSUM` (not COPY_ONLY);
    /// the generated link scripts do it.
    pub struct NoFullBackup {
        id: "LR212",
        name: "no-full-backup",
        severity: Prerequisite,
        scope: Database,
        sources: [Live, Inventory],
        reads: [DatabaseList, Backups],
        aliases: [],
        summary: "no full backup (not COPY_ONLY) since the last recovery-model change",
    }
}

impl Rule for NoFullBackup {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for database in &instance.databases {
            let Some(backups) = &database.facts.backups else {
                continue;
            };
            let full_recovery = database
                .facts
                .settings
                .iter()
                .any(|s| s.value == DatabaseSetting::RecoveryModel(RecoveryModel::Full));
            let history = &backups.value;
            // In FULL recovery the log chain tells; otherwise the history does.
            let missing = if full_recovery {
                !history.log_chain_started
            } else {
                history.full_backups == 0
            };
            if missing {
                let copy_only = if history.copy_only_full_backups > 0 {
                    format!(
                        " ({} COPY_ONLY full backups do not count)",
                        history.copy_only_full_backups
                    )
                } else {
                    String::new()
                };
                out.finding(
                    &Self::META,
                    instance,
                    Some(&database.name),
                    Some("msdb.dbo.backupset".to_string()),
                    format!("no full backup since the recovery model last changed{copy_only}; seeding would fail with error 1475"),
                    &backups.origin,
                );
            }
        }
    }
}
