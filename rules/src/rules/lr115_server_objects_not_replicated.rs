use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Lists the server objects the instance has that the link does not
    /// replicate: logins, Agent jobs, linked servers, server audits,
    /// cryptographic providers.
    ///
    /// # Why it matters for the link
    /// Only user databases replicate. Applications that log in, jobs that
    /// run, and servers that are reached after failover must be recreated
    /// on the managed instance.
    ///
    /// # Example
    /// 14 logins, 6 Agent jobs, 1 linked server.
    ///
    /// # How to fix
    /// Script and recreate them on the managed instance before failover
    /// (dbatools `Copy-DbaLogin`, `Copy-DbaAgentJob`, `Copy-DbaLinkedServer`
    /// work against a managed instance).
    pub struct ServerObjectsNotReplicated {
        id: "LR115",
        name: "server-objects-not-replicated",
        severity: Info,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [Logins, LinkedServers, ServerAudits, CryptographicProviders, JobSteps],
        aliases: [],
        summary: "server objects must be recreated on the managed instance",
    }
}

impl Rule for ServerObjectsNotReplicated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let objects = &instance.facts.objects;
        let mut jobs: Vec<&str> = objects
            .job_steps
            .iter()
            .filter_map(|s| s.value.job.as_deref())
            .collect();
        jobs.sort_unstable();
        jobs.dedup();
        let counts = [
            (objects.logins.len(), "logins"),
            (jobs.len(), "Agent jobs"),
            (objects.linked_servers.len(), "linked servers"),
            (objects.server_audits.len(), "server audits"),
            (
                objects.cryptographic_providers.len(),
                "cryptographic providers",
            ),
        ];
        let listed: Vec<String> = counts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        if listed.is_empty() {
            return;
        }
        out.finding(
            &Self::META,
            instance,
            None,
            Some("server objects".to_string()),
            format!(
                "{} are not replicated by the link; recreate them on the managed instance",
                listed.join(", ")
            ),
            &instance_origin(
                instance,
                "sys.server_principals, msdb.dbo.sysjobs, sys.servers",
            ),
        );
    }
}
