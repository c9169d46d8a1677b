use crate::model::{Instance, ReplicationFeature};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds transactional or merge replication (publications,
    /// subscriptions), change data capture and log shipping set up on a
    /// database (`sp_replicationdboption`, `sp_addpublication`,
    /// `sp_cdc_enable_db`, `sp_add_log_shipping_*`, …).
    ///
    /// # Why it matters for the link
    /// None of these move with the link: publications, CDC capture jobs and
    /// log shipping must be set up again on the managed instance after
    /// failover (where some are limited: no merge publishing, log shipping
    /// replaced by the managed instance's own backups).
    ///
    /// # Example
    /// ```sql
    /// USE [Sales];
    /// EXEC sys.sp_cdc_enable_db;
    /// ```
    ///
    /// # How to fix
    /// Plan the reconfiguration: script publications and CDC tables, and
    /// recreate them on the managed instance once it is primary.
    pub struct ReplicationCdcLogShipping {
        id: "LR311",
        name: "replication-cdc-logshipping",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code, DatabaseList, Replication],
        aliases: [],
        summary: "replication, CDC or log shipping must be reconfigured after failover",
    }
}

impl Rule for ReplicationCdcLogShipping {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for feature in &facts.replication {
                let what = match feature.value {
                    ReplicationFeature::Publication => "replication publication",
                    ReplicationFeature::Subscription => "replication subscription",
                    ReplicationFeature::ChangeDataCapture => "change data capture",
                    ReplicationFeature::LogShipping => "log shipping",
                };
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(what.to_string()),
                    format!("{what} is set up; it must be reconfigured on the managed instance after failover"),
                    &feature.origin,
                );
            }
        });
    }
}
