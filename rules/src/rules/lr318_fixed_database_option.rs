use crate::model::{DatabaseSetting, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds `ALTER DATABASE … SET` of options the managed instance does
    /// not let change: `ENABLE_BROKER`, `DISABLE_BROKER`, `NEW_BROKER`,
    /// `OFFLINE`, `EMERGENCY`, `READ_ONLY`, `SINGLE_USER`,
    /// `RESTRICTED_USER`, and `AUTO_CLOSE ON` or a `PAGE_VERIFY` other than
    /// `CHECKSUM`. Scripts only: a live database's current options are
    /// other rules' (LR206 for its state).
    ///
    /// # Why it matters for the link
    /// After failover, maintenance and deployment scripts run against the
    /// managed instance, where these statements fail: the options are set
    /// by the service and "can't be modified", and Service Broker "is
    /// enabled by default and cannot be disabled" (source: MicrosoftDocs/
    /// sql-docs, azure-sql/managed-instance/transact-sql-tsql-differences-sql-server.md,
    /// "ALTER DATABASE statement" and "Service broker"). A restore or
    /// refresh script that begins with `SET SINGLE_USER WITH ROLLBACK
    /// IMMEDIATE` stops at its first line.
    ///
    /// # Example
    /// ```sql
    /// ALTER DATABASE [Sales] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
    /// ALTER DATABASE [Sales] SET NEW_BROKER;
    /// ```
    ///
    /// # How to fix
    /// Take the statement out of scripts that will run on the managed
    /// instance: exclusive access through `KILL` of the database's
    /// sessions or an application switch, a broker already enabled,
    /// read-only data through permissions or a read-only replica.
    pub struct FixedDatabaseOption {
        id: "LR318",
        name: "fixed-database-option",
        severity: Warning,
        scope: Database,
        sources: [Script],
        reads: [],
        aliases: [],
        summary: "a script changes a database option the managed instance does not let change",
    }
}

impl Rule for FixedDatabaseOption {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for setting in &facts.settings {
                let DatabaseSetting::FixedOptionChange(option) = &setting.value else {
                    continue;
                };
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(option.clone()),
                    format!(
                        "ALTER DATABASE … SET {option} fails on the managed instance, which does not let this option change"
                    ),
                    &setting.origin,
                );
            }
        });
    }
}
