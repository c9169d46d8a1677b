use crate::model::{Instance, RowsetFunction, Usage};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database, is_sql_server_provider};

crate::declare_rule! {
    /// # What it does
    /// Finds `OPENROWSET` and `OPENDATASOURCE` with an OLE DB provider that
    /// is not SQL Server's (`Microsoft.ACE.OLEDB.12.0`, `MSDASQL`, …).
    ///
    /// # Why it matters for the link
    /// The managed instance has only SQL Server's providers: queries against
    /// Excel files, Access databases, ODBC or other engines fail after
    /// failover.
    ///
    /// # Example
    /// ```sql
    /// SELECT * FROM OPENROWSET('Microsoft.ACE.OLEDB.12.0',
    ///     'Excel 12.0;Database=D:\in\rates.xlsx', 'SELECT * FROM [Sheet1$]');
    /// ```
    ///
    /// # How to fix
    /// Load the data with Azure Data Factory or a client tool into a table,
    /// or read it from blob storage.
    pub struct OpenrowsetProvider {
        id: "LR308",
        name: "openrowset-provider",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: ["OpenRowsetWithNonSQLProvider"],
        summary: "OPENROWSET or OPENDATASOURCE uses a provider the managed instance lacks",
    }
}

impl Rule for OpenrowsetProvider {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for usage in &facts.usages {
                let (function, provider) = match &usage.value {
                    Usage::RowsetFunction(RowsetFunction::OpenRowset { provider }) => {
                        ("OPENROWSET", provider)
                    }
                    Usage::RowsetFunction(RowsetFunction::OpenDataSource { provider }) => {
                        ("OPENDATASOURCE", provider)
                    }
                    _ => continue,
                };
                if is_sql_server_provider(provider) {
                    continue;
                }
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(provider.clone()),
                    format!("{function} with provider {provider}, which the managed instance does not have"),
                    &usage.origin,
                );
            }
        });
    }
}
