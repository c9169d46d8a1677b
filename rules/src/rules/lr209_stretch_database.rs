use crate::model::{DatabaseSetting, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds Stretch Database: `REMOTE_DATA_ARCHIVE = ON` on a database or a
    /// table.
    ///
    /// # Why it matters for the link
    /// Part of a stretched table's rows live in Azure, outside the database
    /// files the link seeds, and Azure SQL Managed Instance does not support
    /// Stretch Database. Such a database cannot be linked.
    ///
    /// # Example
    /// ```sql
    /// ALTER DATABASE [Archive] SET REMOTE_DATA_ARCHIVE = ON (SERVER = N'stretch.database.windows.net');
    /// ```
    ///
    /// # How to fix
    /// Bring the remote data back (`ALTER TABLE … SET (REMOTE_DATA_ARCHIVE (
    /// MIGRATION_STATE = INBOUND))`), then disable Stretch on the tables and
    /// the database before linking.
    pub struct StretchDatabase {
        id: "LR209",
        name: "stretch-database",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [DatabaseList, Objects],
        aliases: [],
        summary: "the database or a table uses Stretch Database",
    }
}

impl Rule for StretchDatabase {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for setting in &facts.settings {
                if setting.value == DatabaseSetting::RemoteDataArchive(true) {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some("REMOTE_DATA_ARCHIVE".to_string()),
                        "Stretch Database enabled on the database (REMOTE_DATA_ARCHIVE = ON)"
                            .to_string(),
                        &setting.origin,
                    );
                }
            }
            for table in &facts.stretch_tables {
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(table.value.clone()),
                    format!("Stretch Database enabled on table {}", table.value),
                    &table.origin,
                );
            }
        });
    }
}
