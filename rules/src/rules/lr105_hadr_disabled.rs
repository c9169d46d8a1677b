use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when Always On availability groups are not enabled
    /// (`SERVERPROPERTY('IsHadrEnabled') = 0`).
    ///
    /// # Why it matters for the link
    /// The link creates an availability group and a distributed availability
    /// group on SQL Server; with HADR off, neither can be created. Enabling it
    /// needs a restart of the SQL Server service (on 2016, also a single-node
    /// failover cluster).
    ///
    /// # Example
    /// `SERVERPROPERTY('IsHadrEnabled')` = 0.
    ///
    /// # How to fix
    /// SQL Server Configuration Manager → the service → Always On
    /// Availability Groups → enable (Linux: `mssql-conf set
    /// hadr.hadrenabled 1`), then restart the service in a maintenance window.
    pub struct HadrDisabled {
        id: "LR105",
        name: "hadr-disabled",
        severity: Prerequisite,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [ServerProperties],
        aliases: [],
        summary: "Always On availability groups are not enabled (needs a restart)",
    }
}

impl Rule for HadrDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        match instance.facts.hadr_enabled {
            Known::Known(false) => out.finding(
                &Self::META,
                instance,
                None,
                Some("SERVERPROPERTY('IsHadrEnabled')".to_string()),
                "Always On availability groups are disabled: enable them and restart the service"
                    .to_string(),
                &instance_origin(instance, "SERVERPROPERTY('IsHadrEnabled')"),
            ),
            Known::Known(true) => {}
            Known::Unknown(ref reason) => out.unknown(&Self::META, instance, None, reason.clone()),
        }
    }
}
