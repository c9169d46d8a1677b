//! The links that already exist on an instance, as its catalog shows them:
//! a link is a distributed availability group whose other member is a
//! managed instance (MicrosoftDocs/sql-docs
//! azure-sql/managed-instance/managed-instance-link-configure-how-to-scripts.md,
//! "Create an availability group on SQL Server": the distributed group's
//! LISTENER_URL for the managed instance is `tcp://<fqdn>:5022;Server=[…]`).
//! The live collector, inventories and the collection script fill these
//! from the same three queries (`links`, `link_databases`, `link_seeding`);
//! `linkready status` judges them (crate::link_status).

use serde::Serialize;

use crate::model::Known;

/// The DNS suffix of a managed instance's host name (`<name>.<zone>.
/// database.windows.net`: azure-sql/managed-instance/
/// sql-managed-instance-paas-overview.md, "Programmatically identify a
/// managed instance").
pub const MANAGED_INSTANCE_DNS_SUFFIX: &str = ".database.windows.net";

/// Whether a member's endpoint URL is a managed instance's: its host is in
/// the suffix above, or it carries the `;Server=[<name>]` part that the
/// managed instance's LISTENER_URL always has
/// (managed-instance-link-configure-how-to-scripts.md, "Create an
/// availability group on SQL Server"), which also finds a managed instance
/// outside Azure's public cloud, whose DNS suffix differs.
pub fn is_managed_instance_endpoint(url: &str) -> bool {
    let url = url.to_ascii_lowercase();
    url.contains(MANAGED_INSTANCE_DNS_SUFFIX) || url.contains(";server=[")
}

/// One distributed availability group and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The distributed group's name: the link's name on both sides.
    pub name: String,
    /// Its two members (availability groups), as sys.availability_replicas
    /// lists them for a distributed group (distributed-availability-groups.md,
    /// "DMV to list all availability replica names").
    pub members: Vec<LinkMember>,
    /// Per-database replica state (`link_databases`).
    pub databases: Known<Vec<LinkDatabase>>,
    /// The latest automatic seeding of each database (`link_seeding`).
    pub seeding: Known<Vec<LinkSeeding>>,
}

impl Link {
    /// Whether one member's endpoint is a managed instance: the other
    /// distributed groups (between two SQL Server groups) are not links.
    pub fn is_managed_instance_link(&self) -> bool {
        self.members.iter().any(|member| {
            member
                .endpoint_url
                .as_deref()
                .is_some_and(is_managed_instance_endpoint)
        })
    }

    /// The member this instance hosts (its state row says `is_local`).
    pub fn local_member(&self) -> Option<&LinkMember> {
        self.members
            .iter()
            .find(|member| member.is_local == Some(true))
    }

    /// The other member.
    pub fn partner_member(&self) -> Option<&LinkMember> {
        let local = self.local_member().map(|member| member.name.as_str());
        match local {
            Some(local) => self.members.iter().find(|member| member.name != local),
            // No local state row: the member whose endpoint is the managed
            // instance is the partner as seen from SQL Server.
            None => self.members.iter().find(|member| {
                member
                    .endpoint_url
                    .as_deref()
                    .is_some_and(is_managed_instance_endpoint)
            }),
        }
    }
}

/// A member of the distributed group, with its state when this instance
/// reports one (sys.dm_hadr_availability_replica_states: a remote member
/// has a row only on the primary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkMember {
    /// The member availability group's name.
    pub name: String,
    /// The LISTENER_URL given when the distributed group was created.
    pub endpoint_url: Option<String>,
    /// ASYNCHRONOUS_COMMIT / SYNCHRONOUS_COMMIT.
    pub availability_mode: Option<String>,
    /// None: no state row here.
    pub is_local: Option<bool>,
    /// PRIMARY / SECONDARY / RESOLVING.
    pub role: Option<String>,
    /// CONNECTED / DISCONNECTED.
    pub connected_state: Option<String>,
    /// HEALTHY / PARTIALLY_HEALTHY / NOT_HEALTHY.
    pub synchronization_health: Option<String>,
    pub last_connect_error: Option<ConnectError>,
}

/// The last connection error a member's state row records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectError {
    pub number: i64,
    pub description: Option<String>,
    /// Minutes between the error and the server's clock when read.
    pub minutes_ago: Option<i64>,
}

/// One database's replica row of the distributed group
/// (sys.dm_hadr_database_replica_states with the group's group_id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkDatabase {
    pub database: String,
    /// The member availability group the row belongs to.
    pub member: Option<String>,
    pub is_local: bool,
    /// NOT SYNCHRONIZING / SYNCHRONIZING / SYNCHRONIZED / REVERTING / INITIALIZING.
    pub synchronization_state: Option<String>,
    pub synchronization_health: Option<String>,
    pub database_state: Option<String>,
    pub suspended: bool,
    pub suspend_reason: Option<String>,
    /// KB of log not yet sent (DRS: log_send_queue_size is in KB).
    pub log_send_queue_kb: Option<i64>,
    /// KB of log not yet redone on the secondary.
    pub redo_queue_kb: Option<i64>,
    /// Seconds the secondary trails (2016+; 0 while suspended).
    pub secondary_lag_seconds: Option<i64>,
}

/// The latest automatic seeding of a linked database
/// (sys.dm_hadr_automatic_seeding, with sys.dm_hadr_physical_seeding_stats
/// while it runs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkSeeding {
    pub database: String,
    /// COMPLETED, FAILED, or a state of a running seeding.
    pub current_state: Option<String>,
    pub failure_state: Option<String>,
    pub error_code: Option<i64>,
    pub attempts: Option<i64>,
    /// Minutes between its start and the server's clock when read.
    pub started_minutes_ago: Option<i64>,
    pub completed: bool,
    pub transferred_bytes: Option<i64>,
    pub database_bytes: Option<i64>,
    pub failure_message: Option<String>,
    /// Log backups (msdb type 'L') finished since it started.
    pub log_backups_since_start: Option<i64>,
}

impl LinkSeeding {
    /// Still running: not finished, and not FAILED.
    pub fn is_running(&self) -> bool {
        !self.completed && self.current_state.as_deref() != Some("FAILED")
    }
}
