use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Finds Extended Events sessions on the server whose target writes to
    /// a local file or folder (`ADD TARGET package0.event_file (SET
    /// filename = N'D:\xe\…')`, or a file name not given as a literal) or to
    /// Windows ETW (`etw_classic_sync_target`). An `event_file` target with
    /// an Azure Blob Storage URL (`https://…`) passes. Scripts only: event
    /// sessions are not read from live servers yet.
    ///
    /// # Why it matters for the link
    /// Event sessions live in master and are not replicated by the link;
    /// recreated on the managed instance, a session writing to a local path
    /// fails there: the managed instance supports neither the file-system
    /// `event_file` target nor `etw_classic_sync_target` and stores `.xel`
    /// files in Azure Blob Storage (source: MicrosoftDocs/sql-docs,
    /// azure-sql/managed-instance/transact-sql-tsql-differences-sql-server.md,
    /// "Extended Events"). Monitoring built on these sessions stops at
    /// failover.
    ///
    /// # Example
    /// ```sql
    /// CREATE EVENT SESSION [Waits] ON SERVER
    ///     ADD EVENT sqlos.wait_completed
    ///     ADD TARGET package0.event_file (SET filename = N'D:\xe\waits.xel');
    /// ```
    ///
    /// # How to fix
    /// Create a credential for a storage container and recreate the session
    /// on the managed instance with `filename =
    /// N'https://<account>.blob.core.windows.net/<container>/waits.xel'`, or
    /// use the `ring_buffer` target.
    pub struct EventFileTarget {
        id: "LR317",
        name: "event-file-target",
        severity: Warning,
        scope: Instance,
        sources: [Script],
        reads: [],
        aliases: [],
        summary: "an Extended Events session writes to a local file or to ETW",
    }
}

impl Rule for EventFileTarget {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for target in &instance.facts.objects.event_session_targets {
            let session = &target.value.session;
            let message = match (target.value.target.as_str(), &target.value.file) {
                ("event_file", Some(file))
                    if file
                        .trim_start()
                        .to_ascii_lowercase()
                        .starts_with("https://") =>
                {
                    continue;
                }
                ("event_file", Some(file)) => format!(
                    "event session {session} writes to {file}; the managed instance writes .xel files only to Azure Blob Storage"
                ),
                ("event_file", None) => format!(
                    "event session {session} writes to a file named at run time; the managed instance writes .xel files only to Azure Blob Storage"
                ),
                ("etw_classic_sync_target", _) => format!(
                    "event session {session} writes to Windows ETW, which the managed instance does not support"
                ),
                _ => continue,
            };
            out.finding(
                &Self::META,
                instance,
                None,
                Some(session.clone()),
                message,
                &target.origin,
            );
        }
    }
}
