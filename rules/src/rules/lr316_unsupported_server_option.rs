use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

/// `sp_configure` options the managed instance does not support, or
/// ignores, with SQL Server's default for each. Sources: the options, from
/// MicrosoftDocs/sql-docs `azure-sql/managed-instance/
/// transact-sql-tsql-differences-sql-server.md` ("Stored procedures,
/// functions, and triggers": "The following sp_configure options aren't
/// supported" / "are ignored and have no effect"); the defaults, from
/// `docs/database-engine/configure-windows/
/// server-configuration-options-sql-server.md` ("Configuration Options
/// Table"). Names as `sys.configurations` spells them, lower-cased.
/// `remote data archive` (Stretch) is LR209's; `allow polybase export`,
/// also listed, is left out: the table gives no default for it.
pub const UNSUPPORTED_OPTIONS: &[UnsupportedOption] = &[
    UnsupportedOption {
        name: "allow updates",
        default: 0,
        ignored: false,
    },
    UnsupportedOption {
        name: "filestream access level",
        default: 0,
        ignored: false,
    },
    UnsupportedOption {
        name: "remote access",
        default: 1,
        ignored: false,
    },
    UnsupportedOption {
        name: "remote proc trans",
        default: 0,
        ignored: false,
    },
    UnsupportedOption {
        name: "scan for startup procs",
        default: 0,
        ignored: false,
    },
    UnsupportedOption {
        name: "ole automation procedures",
        default: 0,
        ignored: true,
    },
];

/// One option of [`UNSUPPORTED_OPTIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsupportedOption {
    pub name: &'static str,
    /// SQL Server's default value.
    pub default: i64,
    /// The managed instance accepts the option and ignores it (rather than
    /// refusing it).
    pub ignored: bool,
}

/// The option `name` names (any case; `filestream_access_level` as the
/// docs' table writes it is `filestream access level`).
pub fn unsupported_option(name: &str) -> Option<&'static UnsupportedOption> {
    let name = name.trim().replace('_', " ").to_ascii_lowercase();
    UNSUPPORTED_OPTIONS
        .iter()
        .find(|option| option.name == name)
}

crate::declare_rule! {
    /// # What it does
    /// Finds server configuration options (`sp_configure`) that the managed
    /// instance does not support — `allow updates`, `filestream access
    /// level`, `remote access`, `remote proc trans`, `scan for startup
    /// procs` — or ignores (`Ole Automation Procedures`), set to a value
    /// other than SQL Server's default: on a live server, the value in use;
    /// in scripts, each `sp_configure` call that sets one.
    ///
    /// # Why it matters for the link
    /// After failover the databases run on an instance where these options
    /// keep their fixed values: startup procedures no longer run, remote
    /// procedure calls lose their distributed transactions, `sp_OA*` calls
    /// stop working, and a script that sets the option fails there (source:
    /// MicrosoftDocs/sql-docs, azure-sql/managed-instance/transact-sql-tsql-differences-sql-server.md).
    ///
    /// # Example
    /// ```sql
    /// EXEC sp_configure 'scan for startup procs', 1;
    /// EXEC sp_configure 'Ole Automation Procedures', 1;
    /// RECONFIGURE;
    /// ```
    ///
    /// # How to fix
    /// Replace what depends on the option before failover: startup work as
    /// a SQL Agent job that runs when the Agent starts, `sp_OA*` calls with
    /// CLR or an external job, remote procedure transactions with linked
    /// servers to instances in a server trust group. Remove the
    /// `sp_configure` calls from scripts that will run on the managed
    /// instance.
    pub struct UnsupportedServerOption {
        id: "LR316",
        name: "unsupported-server-option",
        severity: Warning,
        scope: Instance,
        sources: [Live, Inventory, Script],
        reads: [Configurations],
        aliases: [],
        summary: "a server configuration option the managed instance does not support or ignores is set",
    }
}

impl Rule for UnsupportedServerOption {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for option in &instance.facts.objects.configurations {
            let Some(unsupported) = unsupported_option(&option.value.name) else {
                continue;
            };
            if option.value.value == unsupported.default {
                continue;
            }
            let effect = if unsupported.ignored {
                "the managed instance ignores it"
            } else {
                "the managed instance does not support it"
            };
            out.finding(
                &Self::META,
                instance,
                None,
                Some(unsupported.name.to_string()),
                format!(
                    "server option '{}' is {} (default {}); {effect}",
                    unsupported.name, option.value.value, unsupported.default
                ),
                &option.origin,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_names_are_read_as_sp_configure_reads_them() {
        assert_eq!(
            unsupported_option("FILESTREAM_ACCESS_LEVEL").map(|o| o.name),
            Some("filestream access level")
        );
        assert_eq!(
            unsupported_option(" Ole Automation Procedures ").map(|o| o.ignored),
            Some(true)
        );
        assert!(unsupported_option("xp_cmdshell").is_none());
        assert!(unsupported_option("remote data archive").is_none());
    }
}
