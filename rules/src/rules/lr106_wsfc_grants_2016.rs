use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// On SQL Server 2016, fires when `NT AUTHORITY\SYSTEM` lacks one of the
    /// three server permissions the link needs: ALTER ANY AVAILABILITY GROUP,
    /// CONNECT SQL, VIEW SERVER STATE.
    ///
    /// # Why it matters for the link
    /// On 2016 the availability group runs on a (single-node) failover
    /// cluster whose health checks connect as `NT AUTHORITY\SYSTEM`; without
    /// these grants the availability group cannot come online.
    ///
    /// # Example
    /// `sys.server_permissions` for `NT AUTHORITY\SYSTEM` lists only CONNECT SQL.
    ///
    /// # How to fix
    /// `GRANT ALTER ANY AVAILABILITY GROUP, CONNECT SQL, VIEW SERVER STATE TO
    /// [NT AUTHORITY\SYSTEM];` (the generated 2016 scripts include it).
    pub struct WsfcGrants2016 {
        id: "LR106",
        name: "wsfc-grants-2016",
        severity: Prerequisite,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [ServerProperties, SystemGrants],
        aliases: [],
        summary: "SQL Server 2016 lacks the grants to NT AUTHORITY\\SYSTEM the link needs",
    }
}

const NEEDED: [&str; 3] = [
    "ALTER ANY AVAILABILITY GROUP",
    "CONNECT SQL",
    "VIEW SERVER STATE",
];

impl Rule for WsfcGrants2016 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let Known::Known(version) = instance.facts.version else {
            return;
        };
        if version.major != 13 {
            return;
        }
        match &instance.facts.objects.system_grants {
            Known::Known(grants) => {
                let missing: Vec<&str> = NEEDED
                    .iter()
                    .copied()
                    .filter(|needed| !grants.iter().any(|g| g.eq_ignore_ascii_case(needed)))
                    .collect();
                if !missing.is_empty() {
                    out.finding(
                        &Self::META,
                        instance,
                        None,
                        Some("NT AUTHORITY\\SYSTEM".to_string()),
                        format!("NT AUTHORITY\\SYSTEM lacks {}", missing.join(", ")),
                        &instance_origin(instance, "sys.server_permissions"),
                    );
                }
            }
            Known::Unknown(reason) => out.unknown(&Self::META, instance, None, reason.clone()),
        }
    }
}
