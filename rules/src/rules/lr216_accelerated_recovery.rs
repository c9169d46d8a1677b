use crate::model::{DatabaseSetting, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// On SQL Server 2019 and later, fires when accelerated database recovery
    /// (ADR) is turned off, or when its persistent version store is placed in
    /// a filegroup other than PRIMARY.
    ///
    /// # Why it matters for the link
    /// ADR is always on in Azure SQL Managed Instance, with its version store
    /// in PRIMARY. A linked database whose version store lives elsewhere, or
    /// that has ADR off, behaves differently after failover (recovery and
    /// rollback times, version store size) and its extra filegroup has no
    /// place on the managed instance.
    ///
    /// # Example
    /// ```sql
    /// ALTER DATABASE [Sales] SET ACCELERATED_DATABASE_RECOVERY = ON
    ///     (PERSISTENT_VERSION_STORE_FILEGROUP = [VersionStore]);
    /// ```
    ///
    /// # How to fix
    /// Turn ADR on at the source with the version store in PRIMARY
    /// (`ALTER DATABASE [Sales] SET ACCELERATED_DATABASE_RECOVERY = ON`) and
    /// test the workload with it before linking.
    pub struct AcceleratedRecovery {
        id: "LR216",
        name: "accelerated-recovery",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [DatabaseList],
        aliases: [],
        summary: "accelerated database recovery is off or its version store is not in PRIMARY",
    }
}

impl Rule for AcceleratedRecovery {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for setting in &facts.settings {
                let DatabaseSetting::AcceleratedRecovery {
                    enabled,
                    version_store_filegroup,
                } = &setting.value
                else {
                    continue;
                };
                let message = match version_store_filegroup {
                    _ if !enabled => "accelerated database recovery is off; it is always on in the managed instance".to_string(),
                    Some(filegroup) if !filegroup.eq_ignore_ascii_case("PRIMARY") => format!(
                        "ADR version store in filegroup {filegroup}; the managed instance keeps it in PRIMARY"
                    ),
                    _ => continue,
                };
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some("ACCELERATED_DATABASE_RECOVERY".to_string()),
                    message,
                    &setting.origin,
                );
            }
        });
    }
}
