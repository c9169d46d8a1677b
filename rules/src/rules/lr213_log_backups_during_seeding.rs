use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, is_system_database};

crate::declare_rule! {
    /// # What it does
    /// Fires when an Agent job backs up transaction logs (`BACKUP LOG`, or
    /// `DatabaseBackup … @BackupType = 'LOG'`), and, live, when a database
    /// has had log backups in the last 24 hours: they are scheduled, and
    /// will run while the link seeds.
    ///
    /// # Why it matters for the link
    /// A log backup during seeding truncates the log the seeding still needs:
    /// the link fails with errors 1408/1412 and must be recreated.
    ///
    /// # Example
    /// 96 log backups of `Sales` in the last day (every 15 minutes).
    ///
    /// # How to fix
    /// Pause the log backup job for the seeding, or enable trace flag 12381
    /// (on builds that have it) during seeding and turn it off afterwards.
    pub struct LogBackupsDuringSeeding {
        id: "LR213",
        name: "log-backups-during-seeding",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Backups, JobSteps],
        aliases: [],
        summary: "scheduled log backups would truncate the log during seeding",
    }
}

impl Rule for LogBackupsDuringSeeding {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for step in &instance.facts.objects.job_steps {
            if !step.value.backs_up_log() {
                continue;
            }
            let job = step.value.job.as_deref().unwrap_or("(unnamed job)");
            let database = step
                .value
                .database
                .as_deref()
                .filter(|db| !is_system_database(db));
            out.finding(
                &Self::META,
                instance,
                database,
                Some(job.to_string()),
                format!("Agent job {job} backs up transaction logs: pause it while the link seeds, or use trace flag 12381"),
                &step.origin,
            );
        }
        for database in &instance.databases {
            let Some(backups) = &database.facts.backups else {
                continue;
            };
            let count = backups.value.log_backups_last_day;
            if count > 0 {
                out.finding(
                    &Self::META,
                    instance,
                    Some(&database.name),
                    Some("msdb.dbo.backupset".to_string()),
                    format!("{count} log backups in the last 24 hours: pause them during seeding or use trace flag 12381"),
                    &backups.origin,
                );
            }
        }
    }
}
