use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds FileTables: tables created `AS FILETABLE`.
    ///
    /// # Why it matters for the link
    /// FileTables are built on FILESTREAM, which Azure SQL Managed Instance
    /// does not support; a database with a FileTable cannot be linked.
    ///
    /// # Example
    /// ```sql
    /// CREATE TABLE dbo.Scans AS FILETABLE
    ///     WITH (FILETABLE_DIRECTORY = N'Scans');
    /// ```
    ///
    /// # How to fix
    /// Move the files to Azure Blob Storage or Azure Files and keep their
    /// paths in an ordinary table; drop the FileTable before linking.
    pub struct Filetable {
        id: "LR203",
        name: "filetable",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Objects],
        aliases: ["FileStream"],
        summary: "the database has a FileTable, which the managed instance does not support",
    }
}

impl Rule for Filetable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for table in &facts.filetables {
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(table.value.clone()),
                    format!("FileTable {}", table.value),
                    &table.origin,
                );
            }
        });
    }
}
