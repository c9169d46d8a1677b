use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when the instance runs SQL Server 2014 (major version 12) or
    /// older.
    ///
    /// # Why it matters for the link
    /// The link is a distributed availability group, which SQL Server 2014
    /// and older do not have: no build of them can be linked.
    ///
    /// # Example
    /// `SERVERPROPERTY('ProductVersion')` = `12.0.6449.1` (SQL Server 2014 SP3).
    ///
    /// # How to fix
    /// Upgrade to SQL Server 2016 SP3 with the Azure Connect pack or later
    /// (2022 for two-way failover), or migrate by backup and restore instead.
    pub struct UnsupportedVersion {
        id: "LR101",
        name: "unsupported-version",
        severity: Blocker,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [ServerProperties],
        aliases: [],
        summary: "SQL Server 2014 and older cannot be linked",
    }
}

impl Rule for UnsupportedVersion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        match &instance.facts.version {
            Known::Known(version) if version.major < 13 => out.finding(
                &Self::META,
                instance,
                None,
                Some("SERVERPROPERTY('ProductVersion')".to_string()),
                format!("SQL Server {version} (major {}) has no distributed availability groups; the link needs 2016 SP3 or later", version.major),
                &instance_origin(instance, "SERVERPROPERTY('ProductVersion')"),
            ),
            Known::Known(_) => {}
            Known::Unknown(reason) => out.unknown(&Self::META, instance, None, reason.clone()),
        }
    }
}
