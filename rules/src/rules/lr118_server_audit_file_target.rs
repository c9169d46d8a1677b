use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Finds server audits that write to a FILE or to the Windows
    /// APPLICATION_LOG (`CREATE/ALTER SERVER AUDIT … TO FILE`).
    ///
    /// # Why it matters for the link
    /// Server audits are not replicated, and the managed instance audits
    /// only to Azure Blob Storage (`TO URL`) or Azure Monitor
    /// (`EXTERNAL_MONITOR`): auditing stops at failover unless it is
    /// recreated.
    ///
    /// # Example
    /// ```sql
    /// CREATE SERVER AUDIT [Compliance] TO FILE (FILEPATH = N'E:\Audit\');
    /// ```
    ///
    /// # How to fix
    /// Create the audit on the managed instance `TO URL` (with a storage
    /// credential) or `TO EXTERNAL_MONITOR`, with its specifications.
    pub struct ServerAuditFileTarget {
        id: "LR118",
        name: "server-audit-file-target",
        severity: Warning,
        scope: Instance,
        sources: [Live, Inventory, Script],
        reads: [ServerAudits],
        aliases: ["ServerAudits"],
        summary: "a server audit writes to a file or the application log",
    }
}

impl Rule for ServerAuditFileTarget {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for audit in &instance.facts.objects.server_audits {
            let target = audit.value.target.to_ascii_uppercase();
            if target == "FILE" || target == "APPLICATION_LOG" {
                out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some(audit.value.name.clone()),
                    format!("server audit {} writes to {target}; the managed instance audits to URL or EXTERNAL_MONITOR", audit.value.name),
                    &audit.origin,
                );
            }
        }
    }
}
