//! What the user told us about the target and the rules (linkready.toml,
//! parsed at the CLI edge): the facts target-dependent rules compare with.

/// Service tier of the target managed instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    GeneralPurpose,
    BusinessCritical,
    NextGenGeneralPurpose,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::GeneralPurpose => "general-purpose",
            Tier::BusinessCritical => "business-critical",
            Tier::NextGenGeneralPurpose => "next-gen-general-purpose",
        }
    }

    /// Databases one instance holds (MI-LINK.md: 100; 500 on Next-gen GP).
    pub fn database_limit(self) -> usize {
        match self {
            Tier::NextGenGeneralPurpose => 500,
            Tier::GeneralPurpose | Tier::BusinessCritical => 100,
        }
    }

    /// The largest instance storage the tier offers, in MB (Azure SQL Managed
    /// Instance resource limits: 16 TB General Purpose and Business
    /// Critical, 32 TB Next-gen General Purpose).
    pub fn max_storage_mb(self) -> u64 {
        match self {
            Tier::NextGenGeneralPurpose => 32 * 1024 * 1024,
            Tier::GeneralPurpose | Tier::BusinessCritical => 16 * 1024 * 1024,
        }
    }
}

/// The target's update policy (MI-LINK.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum UpdatePolicy {
    #[serde(rename = "SQLServer2022", alias = "sql-server-2022")]
    SqlServer2022,
    #[serde(rename = "SQLServer2025", alias = "sql-server-2025")]
    SqlServer2025,
    #[serde(rename = "AlwaysUpToDate", alias = "always-up-to-date")]
    AlwaysUpToDate,
}

impl UpdatePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdatePolicy::SqlServer2022 => "SQLServer2022",
            UpdatePolicy::SqlServer2025 => "SQLServer2025",
            UpdatePolicy::AlwaysUpToDate => "AlwaysUpToDate",
        }
    }

    /// The policy [`as_str`](Self::as_str) names, without regard to case
    /// (Azure's `databaseFormat`; Microsoft's pages also write `SqlServer2025`).
    pub fn parse(text: &str) -> Option<UpdatePolicy> {
        [
            UpdatePolicy::SqlServer2022,
            UpdatePolicy::SqlServer2025,
            UpdatePolicy::AlwaysUpToDate,
        ]
        .into_iter()
        .find(|policy| policy.as_str().eq_ignore_ascii_case(text))
    }
}

/// The target managed instance, as far as it was described.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    pub name: Option<String>,
    pub resource_group: Option<String>,
    pub subscription: Option<String>,
    pub fqdn: Option<String>,
    pub tier: Option<Tier>,
    pub update_policy: Option<UpdatePolicy>,
    pub free_storage_mb: Option<u64>,
    pub collation: Option<String>,
    /// Databases already on the target.
    pub databases: Vec<String>,
    /// Bandwidth available for seeding, in Mbit/s.
    pub bandwidth_mbps: Option<f64>,
}

/// Settings rules read besides the facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub target: Option<Target>,
    /// LR109: warn when the endpoint certificate expires within this many days.
    pub certificate_expiry_days: i64,
    /// The network test kit's results (`--network-results`), when given.
    pub network_tests: Option<Vec<NetworkTest>>,
    /// `[scripts] link_mode = "multiple-database"`: one link per
    /// availability group (preview); LR320 checks what it needs.
    pub multiple_database: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target: None,
            certificate_expiry_days: 90,
            network_tests: None,
            multiple_database: false,
        }
    }
}

/// Which way a network test went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NetworkDirection {
    /// SQL Server opening a connection to the managed instance (5022, and
    /// one port of 11000-11999).
    SqlServerToManagedInstance,
    /// The managed instance opening a connection to SQL Server's endpoint.
    ManagedInstanceToSqlServer,
}

impl NetworkDirection {
    /// Both directions the kit tests.
    pub const ALL: [NetworkDirection; 2] = [
        NetworkDirection::SqlServerToManagedInstance,
        NetworkDirection::ManagedInstanceToSqlServer,
    ];

    /// The word the kit's result rows use.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkDirection::SqlServerToManagedInstance => "sql-server-to-managed-instance",
            NetworkDirection::ManagedInstanceToSqlServer => "managed-instance-to-sql-server",
        }
    }

    pub fn parse(text: &str) -> Option<NetworkDirection> {
        NetworkDirection::ALL
            .into_iter()
            .find(|direction| direction.as_str().eq_ignore_ascii_case(text))
    }

    /// In words, for a message.
    pub fn describe(self) -> &'static str {
        match self {
            NetworkDirection::SqlServerToManagedInstance => {
                "from SQL Server to the managed instance"
            }
            NetworkDirection::ManagedInstanceToSqlServer => {
                "from the managed instance to SQL Server"
            }
        }
    }
}

/// One row of the network test kit's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkTest {
    /// The SQL Server instance, as the report names it.
    pub instance: String,
    pub direction: NetworkDirection,
    pub port: u16,
    pub succeeded: bool,
    /// The address tested (the managed instance's name or node, or SQL Server's address).
    pub address: String,
    /// When it ran, as the kit wrote it.
    pub checked_at: String,
    /// `results.csv:3`: where the row was read.
    pub place: String,
}
