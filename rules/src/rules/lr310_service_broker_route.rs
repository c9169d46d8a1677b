use crate::model::{DatabaseSetting, Instance, Usage};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds Service Broker routes to another instance (`ADDRESS` other than
    /// `'LOCAL'` or `'TRANSPORT'`), and databases that disable Service Broker
    /// while they define queues or services.
    ///
    /// # Why it matters for the link
    /// The managed instance supports Service Broker only between its own
    /// databases: routes to other servers stop delivering after failover.
    /// A database restored or seeded with the broker disabled leaves its
    /// queues silent.
    ///
    /// # Example
    /// ```sql
    /// CREATE ROUTE [ToWarehouse] WITH SERVICE_NAME = N'//wh/Inbound',
    ///     ADDRESS = N'TCP://wh01.corp.local:4022';
    /// ```
    ///
    /// # How to fix
    /// Keep the conversation inside the managed instance (move both ends),
    /// or replace it with a queueing service; enable the broker
    /// (`ALTER DATABASE … SET ENABLE_BROKER`) after failover.
    pub struct ServiceBrokerRoute {
        id: "LR310",
        name: "service-broker-route",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code, Objects, DatabaseList],
        aliases: ["ServiceBroker"],
        summary: "Service Broker routes leave the instance, or the broker is off with broker objects",
    }
}

impl Rule for ServiceBrokerRoute {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for usage in &facts.usages {
                if let Usage::BrokerRoute { name, address } = &usage.value
                    && !["LOCAL", "TRANSPORT"]
                        .iter()
                        .any(|local| local.eq_ignore_ascii_case(address.trim()))
                {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some(name.clone()),
                        format!("Service Broker route {name} goes to {address}, outside the managed instance"),
                        &usage.origin,
                    );
                }
            }
            let has_objects = facts
                .usages
                .iter()
                .any(|u| matches!(u.value, Usage::BrokerObject { .. }));
            if !has_objects {
                return;
            }
            for setting in &facts.settings {
                if setting.value == DatabaseSetting::Broker(false) {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some("DISABLE_BROKER".to_string()),
                        "Service Broker is disabled while the database defines queues or services"
                            .to_string(),
                        &setting.origin,
                    );
                }
            }
        });
    }
}
