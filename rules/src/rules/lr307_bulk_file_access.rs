use crate::model::{Instance, RowsetFunction, Usage};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds `BULK INSERT … FROM 'file'` and `OPENROWSET(BULK 'file', …)`
    /// without a `DATA_SOURCE`.
    ///
    /// # Why it matters for the link
    /// The managed instance cannot read files on your servers or shares; it
    /// reads from Azure Blob Storage through an external data source. Loads
    /// from file paths fail after failover.
    ///
    /// # Example
    /// ```sql
    /// BULK INSERT dbo.Rates FROM '\\files\feeds\rates.csv' WITH (FORMAT = 'CSV');
    /// ```
    ///
    /// # How to fix
    /// Put the files in Blob Storage, create an external data source
    /// (`TYPE = BLOB_STORAGE`) and add `DATA_SOURCE = '…'` to the load.
    pub struct BulkFileAccess {
        id: "LR307",
        name: "bulk-file-access",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: ["BulkInsert", "OpenRowsetWithNonBlobDataSourceBulk"],
        summary: "code bulk-loads from a file path instead of a blob data source",
    }
}

impl Rule for BulkFileAccess {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for usage in &facts.usages {
                let (file, how) = match &usage.value {
                    Usage::BulkInsert {
                        file,
                        data_source: None,
                    } => (file, "BULK INSERT"),
                    Usage::RowsetFunction(RowsetFunction::OpenRowsetBulk {
                        file,
                        data_source: None,
                    }) => (file, "OPENROWSET(BULK …)"),
                    _ => continue,
                };
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(file.clone()),
                    format!("{how} reads the file {file} without DATA_SOURCE; the managed instance reads only from blob storage"),
                    &usage.origin,
                );
            }
        });
    }
}
