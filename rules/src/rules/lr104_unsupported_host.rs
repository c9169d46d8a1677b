use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when SQL Server runs on a Windows client OS (Windows 10 or 11),
    /// or when SQL Server 2016 runs on Linux, as `@@VERSION` names the host.
    ///
    /// # Why it matters for the link
    /// Availability groups need Windows Server (with a failover cluster for
    /// 2016) or a supported Linux: a client OS cannot enable them.
    ///
    /// # Example
    /// `@@VERSION` ends with `on Windows 10 Pro 10.0 <X64> (Build 19045: )`.
    ///
    /// # How to fix
    /// Move the instance to Windows Server 2012 or later (or Linux for 2017+).
    pub struct UnsupportedHost {
        id: "LR104",
        name: "unsupported-host",
        severity: Blocker,
        scope: Instance,
        sources: [Live, Inventory],
        aliases: [],
        summary: "the host OS cannot run availability groups for the link",
    }
}

impl Rule for UnsupportedHost {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let Some(text) = out.known(&Self::META, instance, &instance.facts.version_text) else {
            return;
        };
        let host = text.rsplit(" on ").next().unwrap_or("").trim();
        let client_windows = host.starts_with("Windows 10") || host.starts_with("Windows 11");
        let linux_2016 = host.starts_with("Linux")
            && matches!(instance.facts.version, Known::Known(version) if version.major == 13);
        if client_windows || linux_2016 {
            let host_name = host.split(" <").next().unwrap_or(host);
            out.finding(
                &Self::META,
                instance,
                None,
                Some("@@VERSION".to_string()),
                format!(
                    "the host is {host_name}, which cannot run availability groups for the link"
                ),
                &instance_origin(instance, "@@VERSION"),
            );
        }
    }
}
