use crate::model::{Instance, RowsetFunction, Usage};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database, is_sql_server_provider};

crate::declare_rule! {
    /// # What it does
    /// Finds linked servers: four-part names (`Srv.Db.dbo.T`), `OPENQUERY`,
    /// `OPENDATASOURCE`, `EXEC (…) AT server`, and linked servers defined
    /// with `sp_addlinkedserver` (noting a provider that is not SQL Server's).
    ///
    /// # Why it matters for the link
    /// Linked servers are server objects: the link does not replicate them.
    /// After failover the managed instance must reach the other server
    /// (network, authentication) and have the linked server recreated; it
    /// supports only SQL Server and Azure SQL targets through its providers.
    ///
    /// # Example
    /// ```sql
    /// SELECT * FROM [ERP01].Finance.dbo.Invoices;
    /// SELECT * FROM OPENQUERY(ERP01, 'SELECT * FROM Finance.dbo.Invoices');
    /// ```
    ///
    /// # How to fix
    /// Recreate the linked server on the managed instance (SQL Server or
    /// Azure SQL targets, reachable from its subnet) before failover, or
    /// replace the remote query.
    pub struct LinkedServerUse {
        id: "LR302",
        name: "linked-server",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code, LinkedServers],
        aliases: ["LinkedServer", "LinkedServerWithNonSQLProvider"],
        summary: "code uses a linked server, which is not replicated",
    }
}

impl Rule for LinkedServerUse {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for usage in &facts.usages {
                let (object, message) = match &usage.value {
                    Usage::ObjectReference(reference) => match &reference.server {
                        Some(server) => (
                            reference.display(),
                            format!(
                                "four-part name {} uses linked server {server}",
                                reference.display()
                            ),
                        ),
                        None => continue,
                    },
                    Usage::RowsetFunction(RowsetFunction::OpenQuery { server }) => (
                        server.clone(),
                        format!("OPENQUERY through linked server {server}"),
                    ),
                    Usage::RowsetFunction(RowsetFunction::OpenDataSource { provider }) => (
                        provider.clone(),
                        format!("OPENDATASOURCE with provider {provider}: an ad hoc linked server"),
                    ),
                    Usage::RemoteExecution { server } => {
                        (server.clone(), format!("EXEC … AT linked server {server}"))
                    }
                    _ => continue,
                };
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(object),
                    message,
                    &usage.origin,
                );
            }
        });
        for linked in &instance.facts.objects.linked_servers {
            let provider = match &linked.value.provider {
                Some(provider) if !is_sql_server_provider(provider) => {
                    format!(" with non-SQL Server provider {provider}")
                }
                _ => String::new(),
            };
            out.finding(
                &Self::META,
                instance,
                None,
                Some(linked.value.name.clone()),
                format!(
                    "linked server {}{provider} must be recreated on the managed instance",
                    linked.value.name
                ),
                &linked.origin,
            );
        }
    }
}
