use crate::model::{FileKind, FilegroupKind, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds FILESTREAM in a database: a filegroup that `CONTAINS FILESTREAM`,
    /// a FILESTREAM file, a `varbinary(max) FILESTREAM` column, or a table
    /// placed `FILESTREAM_ON` a filegroup.
    ///
    /// # Why it matters for the link
    /// Azure SQL Managed Instance does not support FILESTREAM, so a database
    /// that has it cannot be seeded through the link.
    ///
    /// # Example
    /// ```sql
    /// ALTER DATABASE [Docs] ADD FILEGROUP [DocsFS] CONTAINS FILESTREAM;
    /// CREATE TABLE dbo.Document (Id uniqueidentifier ROWGUIDCOL NOT NULL UNIQUE,
    ///     Body varbinary(max) FILESTREAM NULL);
    /// ```
    ///
    /// # How to fix
    /// Move the documents out of the database (Azure Blob Storage, keeping a
    /// reference in a column), or into plain `varbinary(max)` columns; then
    /// remove the FILESTREAM columns, files and filegroup before linking.
    pub struct Filestream {
        id: "LR202",
        name: "filestream",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Objects, Files],
        aliases: ["FileStream"],
        summary: "the database uses FILESTREAM, which the managed instance does not support",
    }
}

impl Rule for Filestream {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for filegroup in &facts.filegroups {
                if filegroup.value.kind == FilegroupKind::Filestream {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some(filegroup.value.name.clone()),
                        format!("FILESTREAM filegroup {}", filegroup.value.name),
                        &filegroup.origin,
                    );
                }
            }
            for file in &facts.files {
                if facts.effective_file_kind(&file.value) == FileKind::Filestream {
                    let name = file.value.logical_name.as_deref().unwrap_or("(unnamed)");
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some(name.to_string()),
                        format!("FILESTREAM file {name}"),
                        &file.origin,
                    );
                }
            }
            for column in &facts.filestream_columns {
                let object = format!("{}.{}", column.value.table, column.value.column);
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(object.clone()),
                    format!("FILESTREAM column {object}"),
                    &column.origin,
                );
            }
        });
    }
}
