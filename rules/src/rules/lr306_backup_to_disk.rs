use crate::model::{Instance, Usage};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds `BACKUP DATABASE` and `BACKUP LOG` to `DISK`, `TAPE` or a backup
    /// device. `TO URL` is fine.
    ///
    /// # Why it matters for the link
    /// The managed instance backs up to Azure Blob Storage only (`TO URL`);
    /// maintenance jobs and procedures that write backups to local disks fail
    /// after failover.
    ///
    /// # Example
    /// ```sql
    /// BACKUP DATABASE [Sales] TO DISK = N'X:\Backup\Sales.bak' WITH COMPRESSION;
    /// ```
    ///
    /// # How to fix
    /// Rely on the managed instance's automated backups, or back up
    /// `TO URL` with a credential for the storage container
    /// (`WITH COPY_ONLY` on the managed instance).
    pub struct BackupToDisk {
        id: "LR306",
        name: "backup-to-disk",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: [],
        summary: "code backs up to disk or tape; the managed instance backs up only to URL",
    }
}

impl Rule for BackupToDisk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for usage in &facts.usages {
                if let Usage::BackupToDevice {
                    database: backed_up,
                    device,
                } = &usage.value
                {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some(backed_up.clone()),
                        format!("backs up {backed_up} to {device}; the managed instance backs up only TO URL"),
                        &usage.origin,
                    );
                }
            }
        });
    }
}
