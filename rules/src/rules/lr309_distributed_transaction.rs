use crate::model::{Instance, Usage};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds `BEGIN DISTRIBUTED TRANSACTION`.
    ///
    /// # Why it matters for the link
    /// Distributed transactions through MSDTC behave differently on the
    /// managed instance: they work only with other managed instances in a
    /// server trust group (or with DTC for Azure SQL Managed Instance set
    /// up), not with arbitrary servers.
    ///
    /// # Example
    /// ```sql
    /// BEGIN DISTRIBUTED TRANSACTION;
    /// UPDATE ERP01.Finance.dbo.Ledger SET Posted = 1 WHERE BatchId = @b;
    /// COMMIT;
    /// ```
    ///
    /// # How to fix
    /// Check every participant: configure DTC for the managed instance, use
    /// a server trust group, or redesign the work as separate transactions.
    pub struct DistributedTransaction {
        id: "LR309",
        name: "distributed-transaction",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: ["MIHomogeneousMSDTCTransactSQL", "MIHeterogeneousMSDTCTransactSQL"],
        summary: "code starts a distributed transaction",
    }
}

impl Rule for DistributedTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for usage in &facts.usages {
                if usage.value == Usage::DistributedTransaction {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        None,
                        "BEGIN DISTRIBUTED TRANSACTION needs DTC set up for the managed instance"
                            .to_string(),
                        &usage.origin,
                    );
                }
            }
        });
    }
}
