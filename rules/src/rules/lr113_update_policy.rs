use crate::finding::Severity;
use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};
use crate::settings::UpdatePolicy as Policy;

crate::declare_rule! {
    /// # What it does
    /// Matches the SQL Server version with the target managed instance's
    /// update policy: SQL Server 2025 toward a target on the SQL Server 2022
    /// policy is a blocker; a source where failback is impossible (2016–2019,
    /// or an Always-up-to-date target) is info. Until the target is described
    /// (linkready.toml, `[target] update_policy`), it says which policies fit.
    ///
    /// # Why it matters for the link
    /// The link from a SQL Server 2025 needs the 2025 policy; failing back
    /// online needs the policy matching the source's version.
    ///
    /// # Example
    /// SQL Server 2019 toward any policy: one-way (migration) only.
    ///
    /// # How to fix
    /// Choose the update policy that matches your plan before creating the
    /// managed instance (the policy can only move forward).
    pub struct UpdatePolicy {
        id: "LR113",
        name: "update-policy",
        severity: Blocker,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [ServerProperties],
        aliases: [],
        summary: "the target's update policy does not fit the source version",
    }
}

impl Rule for UpdatePolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let Some(&version) = out.known(&Self::META, instance, &instance.facts.version) else {
            return;
        };
        let Some(policy) = out.target().and_then(|target| target.update_policy) else {
            let fits = match version.major {
                17 => {
                    "SQLServer2025 (or AlwaysUpToDate, without failback); SQLServer2022 cannot take this source"
                }
                16 => "any policy; failback needs SQLServer2022",
                13..=15 => "any policy; the link is one-way (no failback) from this version",
                _ => return,
            };
            return out.needs_target(
                &Self::META,
                instance,
                None,
                format!("SQL Server {version}: {fits} ([target] update_policy in linkready.toml)"),
            );
        };
        let origin = instance_origin(instance, "SERVERPROPERTY('ProductVersion')");
        let object = Some("SERVERPROPERTY('ProductVersion')".to_string());
        let policy_name = policy.as_str();
        // MI-LINK.md §2.
        let (severity, message) = match (version.major, policy) {
            (17, Policy::SqlServer2022) => (
                Severity::Blocker,
                format!(
                    "SQL Server {version} cannot be linked to a managed instance on the {policy_name} update policy: use SQLServer2025"
                ),
            ),
            (13..=15, _) => (
                Severity::Info,
                format!(
                    "SQL Server {version}: the link is one-way; after failover to the managed instance there is no failback to this server ({policy_name} policy)"
                ),
            ),
            (16 | 17, Policy::AlwaysUpToDate) => (
                Severity::Info,
                format!(
                    "SQL Server {version} to an AlwaysUpToDate managed instance: the link works, failback to SQL Server is impossible"
                ),
            ),
            (16, Policy::SqlServer2025) => (
                Severity::Info,
                format!(
                    "SQL Server {version} to a managed instance on the SQLServer2025 policy: failback to SQL Server 2022 is impossible (it needs SQLServer2022)"
                ),
            ),
            _ => return,
        };
        out.finding_with_severity(
            &Self::META,
            severity,
            instance,
            None,
            object,
            message,
            &origin,
        );
    }
}
