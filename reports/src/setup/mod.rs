//! Link setup scripts (`linkready scripts`): for every database that can be
//! linked, the T-SQL and PowerShell that set the link up, in the order of
//! MI-LINK.md §4, plus failover, failback and removal (§5).
//!
//! What goes into a script is decided here, from the facts and the
//! findings ([`plan`]); how it is written is in reports/templates/setup/.
//! Handlebars runs in strict mode with HTML escaping off: every name and
//! literal goes through a quoting helper ([`quote`]) in the template.

mod plan;
pub mod quote;
mod render;

pub use plan::{BundleSummary, LinkTarget, Skipped, link_setup};

/// Which side starts as the primary (MI-LINK.md §4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InitialPrimary {
    #[default]
    SqlServer,
    ManagedInstance,
}

/// Whether the link can fail back (`-FailoverMode Manual`) or is a one-way
/// migration (`-FailoverMode None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkMode {
    OneWay,
    TwoWay,
}

/// Where the managed instance reaches one SQL Server (linkready.toml
/// `[scripts.instances."NAME"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceEndpoint {
    /// The instance as the report names it, or its @@SERVERNAME.
    pub instance: String,
    /// IP address or DNS name the managed instance connects to.
    pub address: Option<String>,
    /// The database mirroring endpoint's port, when no endpoint exists yet.
    pub endpoint_port: Option<u16>,
}

/// Choices for the generated scripts (linkready.toml `[scripts]` and the
/// command line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupOptions {
    /// Emit New-AzSqlInstanceLink's parameters of Az.Sql before 6.0.0.
    pub azsql_legacy: bool,
    pub initial_primary: InitialPrimary,
    /// None: two-way where the version and the target's update policy allow it.
    pub link_mode: Option<LinkMode>,
    /// `[scripts] link_mode = "multiple-database"` (preview): one link per
    /// availability group of every ready database instead of one per database.
    pub multiple_database: bool,
    /// Directory for the full and log backups (default: the server's default backup directory).
    pub backup_directory: Option<String>,
    /// The endpoint certificate's EXPIRY_DATE, `YYYY-MM-DD`.
    pub certificate_expiry: String,
    pub instances: Vec<InstanceEndpoint>,
}

/// One file to write, by its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupFile {
    pub path: Vec<String>,
    pub contents: String,
}

impl SetupFile {
    /// The bytes to write: scripts get a UTF-8 byte order mark, because
    /// Windows PowerShell 5.1 and sqlcmd read a file without one in the
    /// ANSI code page and would garble non-ASCII names.
    pub fn bytes(&self) -> Vec<u8> {
        let script = self
            .path
            .last()
            .is_some_and(|name| name.ends_with(".sql") || name.ends_with(".ps1"));
        let mut bytes = Vec::with_capacity(self.contents.len() + 3);
        if script {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        bytes.extend_from_slice(self.contents.as_bytes());
        bytes
    }
}

/// Everything `linkready scripts` writes.
#[derive(Debug, Clone, Default)]
pub struct SetupOutput {
    pub files: Vec<SetupFile>,
    pub bundles: Vec<BundleSummary>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "linkready scripts needs the target managed instance in linkready.toml: [target] {}",
        .missing.join(", ")
    )]
    MissingTarget { missing: Vec<&'static str> },
    #[error("linkready.toml [target] {field} = {value:?}: {reason}")]
    InvalidTarget {
        field: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error("script template error (a bug in linkready): {0}")]
    Template(String),
}
