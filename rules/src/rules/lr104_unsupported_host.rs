use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when SQL Server runs on a Windows client OS (7, 8, 8.1, 10, 11),
    /// on Windows Server older than 2012, or when SQL Server 2016 runs on
    /// Linux, as `@@VERSION` names the host.
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
        reads: [ServerProperties],
        aliases: [],
        summary: "the host OS cannot run availability groups for the link",
    }
}

/// What `@@VERSION`'s "on …" part says about the host (RULES.md LR104,
/// MI-LINK.md §1: Windows Server 2012 or later, or Linux for 2017+).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Host {
    Supported,
    /// Windows 7, 8, 8.1, 10, 11 (and Vista): no availability groups.
    WindowsClient,
    /// Windows Server 2003, 2008, 2008 R2.
    OldWindowsServer,
    Linux,
    /// `Windows NT 6.2` and later: the kernel version is shared by a client
    /// and a server release.
    Undecidable,
}

fn classify_host(host: &str) -> Host {
    if host.starts_with("Linux") {
        return Host::Linux;
    }
    if let Some(server) = host.strip_prefix("Windows Server ") {
        let old = ["2003", "2008"].iter().any(|year| server.starts_with(year));
        return if old {
            Host::OldWindowsServer
        } else {
            Host::Supported
        };
    }
    if let Some(kernel) = host.strip_prefix("Windows NT ") {
        // NT 6.1 and older are Windows 7 / Server 2008 R2 and before:
        // unsupported either way.
        let version = kernel.split_whitespace().next().unwrap_or("");
        let (major, minor) = version.split_once('.').unwrap_or((version, "0"));
        return match (major.parse::<u32>(), minor.parse::<u32>()) {
            (Ok(major), Ok(minor)) if (major, minor) <= (6, 1) => Host::OldWindowsServer,
            _ => Host::Undecidable,
        };
    }
    if host.starts_with("Windows ") {
        return Host::WindowsClient;
    }
    Host::Supported
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
        let host_name = host.split(" <").next().unwrap_or(host).trim();
        let unsupported = match classify_host(host) {
            Host::Supported => false,
            Host::WindowsClient | Host::OldWindowsServer => true,
            Host::Linux => {
                matches!(instance.facts.version, Known::Known(version) if version.major == 13)
            }
            Host::Undecidable => {
                out.unknown(
                    &Self::META,
                    instance,
                    None,
                    format!("@@VERSION names the host as {host_name:?}, which does not tell a Windows client from Windows Server"),
                );
                return;
            }
        };
        if unsupported {
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

#[cfg(test)]
mod tests {
    use super::{Host, classify_host};

    #[test]
    fn hosts_as_version_names_them() {
        for (host, expected) in [
            (
                "Windows Server 2019 Standard 10.0 <X64> (Build 17763: )",
                Host::Supported,
            ),
            (
                "Windows Server 2012 R2 Datacenter 6.3 <X64> (Build 9600: )",
                Host::Supported,
            ),
            (
                "Windows Server 2008 R2 Datacenter 6.1 <X64> (Build 7601: Service Pack 1)",
                Host::OldWindowsServer,
            ),
            (
                "Windows Server 2008 Standard 6.0 <X64>",
                Host::OldWindowsServer,
            ),
            (
                "Windows 8.1 Pro 6.3 <X64> (Build 9600: )",
                Host::WindowsClient,
            ),
            (
                "Windows 7 Ultimate 6.1 <X64> (Build 7601: Service Pack 1)",
                Host::WindowsClient,
            ),
            (
                "Windows 10 Pro 10.0 <X64> (Build 19045: )",
                Host::WindowsClient,
            ),
            (
                "Windows 11 Enterprise 10.0 <X64> (Build 22631: )",
                Host::WindowsClient,
            ),
            (
                "Windows NT 6.1 <X64> (Build 7601: Service Pack 1)",
                Host::OldWindowsServer,
            ),
            ("Windows NT 6.3 <X64> (Build 9600: )", Host::Undecidable),
            ("Linux (Ubuntu 22.04.4 LTS) <X64>", Host::Linux),
        ] {
            assert_eq!(classify_host(host), expected, "{host}");
        }
    }
}
