use crate::model::{DatabaseSetting, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Fires when a database's compatibility level is below 100 (SQL Server
    /// 2008): `ALTER DATABASE … SET COMPATIBILITY_LEVEL = 90`, or the old
    /// `sp_dbcmptlevel`.
    ///
    /// # Why it matters for the link
    /// The link itself works, but Azure SQL Managed Instance supports
    /// compatibility levels from 100 up: the database comes out at level 100
    /// on the managed instance, and code that relied on older behaviour
    /// (outer join syntax, reserved words) can break after failover.
    ///
    /// # Example
    /// ```sql
    /// ALTER DATABASE [Legacy] SET COMPATIBILITY_LEVEL = 90;
    /// ```
    ///
    /// # How to fix
    /// Test the application at level 100 or higher and raise the level on
    /// SQL Server before linking, so nothing changes at failover.
    pub struct CompatibilityLevel {
        id: "LR215",
        name: "compatibility-level",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [DatabaseList],
        aliases: ["DbCompatLevelLowerThan100"],
        summary: "the compatibility level is below 100 and is raised on the managed instance",
    }
}

impl Rule for CompatibilityLevel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for setting in &facts.settings {
                if let DatabaseSetting::CompatibilityLevel(level) = setting.value
                    && level < 100
                {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some("COMPATIBILITY_LEVEL".to_string()),
                        format!("compatibility level {level}; the managed instance runs it at 100 or higher"),
                        &setting.origin,
                    );
                }
            }
        });
    }
}
