//! The fact model: Estate ▸ Instance ▸ Database ▸ objects and settings.
//!
//! Every fact carries its [`Origin`], so a finding can name its evidence. A fact
//! that could not be collected is [`Known::Unknown`] with the reason, never a
//! default value. Scripts, live servers and offline inventories all fill these
//! same types; rules never ask which source a fact came from.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rule::Source;

/// A group of catalog facts that one collection step fills. A catalog query
/// declares the sets it feeds, a rule declares the sets it reads; when a
/// query fails, times out, is denied or is missing from an inventory, its
/// sets become gaps, and every rule reading a gap says `unknown` instead of
/// passing (the engine does this for every rule, so no rule can forget).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactSet {
    /// Version, edition, HADR, host, collation, server name, the login's rights.
    ServerProperties,
    /// The database master key in `master`.
    MasterKey,
    /// The user databases and their options, state, size and log chain.
    DatabaseList,
    /// Database files and their kinds.
    Files,
    /// Filegroups, FileTables, FILESTREAM columns, memory-optimized and
    /// stretch objects, assemblies, broker queues and routes of a database.
    Objects,
    /// Module code and T-SQL job steps, scanned for usages.
    Code,
    AvailabilityGroups,
    EncryptionKeys,
    /// Backup history (msdb).
    Backups,
    Endpoints,
    Configurations,
    Logins,
    LinkedServers,
    ServerAudits,
    CryptographicProviders,
    JobSteps,
    TraceFlags,
    /// Server permissions of NT AUTHORITY\SYSTEM (SQL Server 2016).
    SystemGrants,
    /// Publications, subscriptions, CDC, log shipping.
    Replication,
    /// The links that exist (distributed availability groups toward a
    /// managed instance) and their state: read by `linkready status`.
    Links,
}

impl FactSet {
    pub const ALL: [FactSet; 20] = [
        FactSet::ServerProperties,
        FactSet::MasterKey,
        FactSet::DatabaseList,
        FactSet::Files,
        FactSet::Objects,
        FactSet::Code,
        FactSet::AvailabilityGroups,
        FactSet::EncryptionKeys,
        FactSet::Backups,
        FactSet::Endpoints,
        FactSet::Configurations,
        FactSet::Logins,
        FactSet::LinkedServers,
        FactSet::ServerAudits,
        FactSet::CryptographicProviders,
        FactSet::JobSteps,
        FactSet::TraceFlags,
        FactSet::SystemGrants,
        FactSet::Replication,
        FactSet::Links,
    ];

    /// Whether the set holds facts of each database (its gap makes each
    /// database's outcome unknown) rather than of the instance (its gap
    /// makes the rule unknown once, at the instance).
    pub fn per_database(self) -> bool {
        matches!(
            self,
            FactSet::DatabaseList
                | FactSet::Files
                | FactSet::Objects
                | FactSet::Code
                | FactSet::AvailabilityGroups
                | FactSet::EncryptionKeys
                | FactSet::Backups
                | FactSet::Replication
        )
    }

    /// Whether facts of the set can also belong to no listed database
    /// (job step code run in master or msdb): its instance-wide gap leaves
    /// the instance's own outcome unknown too.
    pub fn also_outside_databases(self) -> bool {
        self == FactSet::Code
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FactSet::ServerProperties => "server_properties",
            FactSet::MasterKey => "master_key",
            FactSet::DatabaseList => "database_list",
            FactSet::Files => "files",
            FactSet::Objects => "objects",
            FactSet::Code => "code",
            FactSet::AvailabilityGroups => "availability_groups",
            FactSet::EncryptionKeys => "encryption_keys",
            FactSet::Backups => "backups",
            FactSet::Endpoints => "endpoints",
            FactSet::Configurations => "configurations",
            FactSet::Logins => "logins",
            FactSet::LinkedServers => "linked_servers",
            FactSet::ServerAudits => "server_audits",
            FactSet::CryptographicProviders => "cryptographic_providers",
            FactSet::JobSteps => "job_steps",
            FactSet::TraceFlags => "trace_flags",
            FactSet::SystemGrants => "system_grants",
            FactSet::Replication => "replication",
            FactSet::Links => "links",
        }
    }
}

/// The fact sets that could not be collected, each with the reason (the
/// query and the server's error). Empty: everything was read.
pub type Gaps = BTreeMap<FactSet, String>;

/// Where a fact was seen.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// A construct in a script file; line and column are 1-based, the column
    /// counts characters.
    Script {
        path: String,
        line: u32,
        column: u32,
        /// The construct was inside a string that the script executes.
        dynamic: bool,
    },
    /// A catalog object read from a running server.
    Live {
        server: String,
        database: Option<String>,
        object: String,
    },
    /// A catalog row read from an offline inventory file.
    Inventory {
        server: String,
        database: Option<String>,
        object: String,
    },
    /// A choice the user made (`--database NAME`, config), judged against the
    /// facts of a source.
    Selection { source: Source, argument: String },
}

impl Origin {
    /// A catalog row: read from a live server, or from an inventory of one.
    pub fn catalog(
        source: Source,
        server: impl Into<String>,
        database: Option<String>,
        object: impl Into<String>,
    ) -> Self {
        let (server, object) = (server.into(), object.into());
        match source {
            Source::Inventory => Origin::Inventory {
                server,
                database,
                object,
            },
            Source::Live | Source::Script => Origin::Live {
                server,
                database,
                object,
            },
        }
    }

    /// An origin at a position in a script file.
    pub fn script(path: impl Into<String>, line: u32, column: u32) -> Self {
        Origin::Script {
            path: path.into(),
            line,
            column,
            dynamic: false,
        }
    }

    /// A script origin's file, line and column.
    pub fn script_position(&self) -> Option<(&str, u32, u32)> {
        match self {
            Origin::Script {
                path, line, column, ..
            } => Some((path, *line, *column)),
            _ => None,
        }
    }

    /// Whether the construct was inside a string that a script executes.
    pub fn is_dynamic(&self) -> bool {
        matches!(self, Origin::Script { dynamic: true, .. })
    }

    /// The kind of source this origin belongs to.
    pub fn source(&self) -> Source {
        match self {
            Origin::Script { .. } => Source::Script,
            Origin::Live { .. } => Source::Live,
            Origin::Inventory { .. } => Source::Inventory,
            Origin::Selection { source, .. } => *source,
        }
    }
}

/// A value that was either collected, or could not be, with the reason why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Known<T> {
    Known(T),
    Unknown(String),
}

impl<T> Known<T> {
    pub fn unknown(reason: impl Into<String>) -> Self {
        Known::Unknown(reason.into())
    }

    /// `value` when there is one, else unknown for `reason`.
    pub fn from_option(value: Option<T>, reason: &str) -> Self {
        value.map_or_else(|| Known::unknown(reason), Known::Known)
    }

    pub fn as_known(&self) -> Option<&T> {
        match self {
            Known::Known(value) => Some(value),
            Known::Unknown(_) => None,
        }
    }

    /// Why it is not known, if it is not.
    pub fn unknown_reason(&self) -> Option<&str> {
        match self {
            Known::Known(_) => None,
            Known::Unknown(reason) => Some(reason),
        }
    }
}

/// One observed fact and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Fact<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Fact { value, origin }
    }
}

/// Everything assessed in one run.
#[derive(Debug, Clone, Default)]
pub struct Estate {
    pub instances: Vec<Instance>,
}

/// A SQL Server instance, or the pseudo-instance that stands for script input.
#[derive(Debug, Clone)]
pub struct Instance {
    pub name: String,
    /// The source its facts came from.
    pub source: Source,
    pub facts: InstanceFacts,
    /// User databases, in a deterministic order.
    pub databases: Vec<Database>,
    /// Script facts that no `USE` or CREATE/ALTER DATABASE attributes to a database.
    pub unattributed: DatabaseFacts,
    /// Scripts' facts were merged into this live or inventory instance
    /// (`[instances."NAME"] scripts`): rules that read only scripts run too.
    pub with_scripts: bool,
    /// Database names the user selected for linking (`--database`, config).
    pub selected_databases: Vec<Fact<String>>,
    /// What could not be collected, and why ("not assessed").
    pub errors: Vec<String>,
    /// Fact sets that could not be read for the whole instance (a failed
    /// server-wide query): every rule reading one is unknown.
    pub gaps: Gaps,
    /// `databases` by lower-cased name, rebuilt when `databases` was
    /// changed directly: lookups stay constant-time with 40,000 databases.
    database_index: std::collections::HashMap<String, usize>,
}

impl Instance {
    /// Records a `--database NAME` selection for linking.
    pub fn select_database(&mut self, name: &str) {
        self.selected_databases.push(Fact::new(
            name.to_string(),
            Origin::Selection {
                source: self.source,
                argument: format!("--database {name}"),
            },
        ));
    }

    /// Whether `database` is to be linked: selected with `--database`, or
    /// any database when none was selected (names compare without case).
    pub fn is_selected(&self, database: &str) -> bool {
        self.selected_databases.is_empty()
            || self
                .selected_databases
                .iter()
                .any(|selected| selected.value.eq_ignore_ascii_case(database))
    }

    pub fn new(name: impl Into<String>, source: Source) -> Self {
        Instance {
            name: name.into(),
            source,
            facts: InstanceFacts::unknown(match source {
                Source::Script => "not visible in script files",
                Source::Live | Source::Inventory => "not collected",
            }),
            databases: Vec::new(),
            unattributed: DatabaseFacts::default(),
            with_scripts: false,
            selected_databases: Vec::new(),
            errors: Vec::new(),
            gaps: Gaps::new(),
            database_index: std::collections::HashMap::new(),
        }
    }

    /// Records that `set` could not be read for the whole instance (the
    /// first reason is kept: it is the cause, later ones are consequences).
    pub fn add_gap(&mut self, set: FactSet, reason: impl Into<String>) {
        self.gaps.entry(set).or_insert_with(|| reason.into());
    }

    /// Why `set` is not known for `database` (or for the instance when
    /// None), if it is not.
    pub fn gap<'a>(&'a self, set: FactSet, database: Option<&'a Database>) -> Option<&'a str> {
        self.gaps
            .get(&set)
            .or_else(|| database.and_then(|db| db.facts.gaps.get(&set)))
            .map(String::as_str)
    }

    /// The database with this name (SQL Server compares names without regard to case).
    /// The database with this name (without regard to case), if listed:
    /// by the index when it is current, else by a scan.
    pub fn database(&self, name: &str) -> Option<&Database> {
        if self.database_index.len() == self.databases.len()
            && let Some(&index) = self.database_index.get(&name.to_ascii_lowercase())
            && let Some(database) = self.databases.get(index)
            && database.name.eq_ignore_ascii_case(name)
        {
            return Some(database);
        }
        self.databases
            .iter()
            .find(|db| db.name.eq_ignore_ascii_case(name))
    }

    pub fn database_mut(&mut self, name: &str) -> &mut Database {
        let key = name.to_ascii_lowercase();
        // Stale when `databases` was changed directly: a count that differs,
        // or an entry that is not the name it is filed under.
        let stale = self.database_index.len() != self.databases.len()
            || self.database_index.get(&key).is_some_and(|&index| {
                self.databases
                    .get(index)
                    .is_none_or(|db| !db.name.eq_ignore_ascii_case(name))
            });
        if stale {
            self.database_index = self
                .databases
                .iter()
                .enumerate()
                .map(|(index, db)| (db.name.to_ascii_lowercase(), index))
                .collect();
        }
        let index = match self.database_index.get(&key) {
            Some(&index) => index,
            None => {
                self.databases.push(Database::new(name));
                let index = self.databases.len() - 1;
                self.database_index.insert(key, index);
                index
            }
        };
        &mut self.databases[index]
    }
}

/// Server-level facts. Scripts cannot show these, so for script input they
/// stay unknown.
#[derive(Debug, Clone)]
pub struct InstanceFacts {
    pub version: Known<ProductVersion>,
    pub edition: Known<String>,
    pub hadr_enabled: Known<bool>,
    /// A database master key exists in `master`.
    pub master_key: Known<bool>,
    /// `@@VERSION`: names the host operating system.
    pub version_text: Known<String>,
    /// `sys.sp_certificate_add_issuer` exists: the build supports the link
    /// (on 2016/2017 it comes with the Azure Connect pack).
    pub link_support_probe: Known<bool>,
    /// The collecting login is sysadmin.
    pub sysadmin: Known<bool>,
    /// `SERVERPROPERTY('Collation')`.
    pub collation: Known<String>,
    /// `@@SERVERNAME` (`host` or `host\instance`): the replica name the
    /// link's availability groups use.
    pub server_name: Known<String>,
    /// Server objects as defined (scripts) or as they are (live). Scripts
    /// show some of them; their absence in scripts proves nothing.
    pub objects: ServerObjects,
    /// The links that exist on the instance and their state (`status`).
    pub links: Known<Vec<crate::link_facts::Link>>,
}

/// Server-level objects: what the link does not replicate, and what it needs.
#[derive(Debug, Clone)]
pub struct ServerObjects {
    pub mirroring_endpoints: Vec<Fact<MirroringEndpoint>>,
    pub logins: Vec<Fact<Login>>,
    pub server_audits: Vec<Fact<ServerAudit>>,
    pub cryptographic_providers: Vec<Fact<String>>,
    /// The lists come from the catalog (complete), not from scripts (which
    /// show only what they define).
    pub from_catalog: bool,
    /// Global trace flags in effect.
    pub trace_flags: Known<Vec<u16>>,
    /// Server permissions granted to NT AUTHORITY\SYSTEM (read on 2016).
    pub system_grants: Known<Vec<String>>,
    pub linked_servers: Vec<Fact<LinkedServer>>,
    /// `sp_configure` / `sys.configurations` values.
    pub configurations: Vec<Fact<Configuration>>,
    pub job_steps: Vec<Fact<JobStep>>,
    /// Targets of Extended Events sessions (scripts).
    pub event_session_targets: Vec<Fact<EventSessionTarget>>,
}

impl Default for ServerObjects {
    fn default() -> Self {
        ServerObjects {
            mirroring_endpoints: Vec::new(),
            logins: Vec::new(),
            server_audits: Vec::new(),
            cryptographic_providers: Vec::new(),
            from_catalog: false,
            trace_flags: Known::unknown("not collected"),
            system_grants: Known::unknown("not collected"),
            linked_servers: Vec::new(),
            configurations: Vec::new(),
            job_steps: Vec::new(),
            event_session_targets: Vec::new(),
        }
    }
}

impl ServerObjects {
    pub fn extend(&mut self, other: ServerObjects) {
        self.mirroring_endpoints.extend(other.mirroring_endpoints);
        self.logins.extend(other.logins);
        self.server_audits.extend(other.server_audits);
        self.cryptographic_providers
            .extend(other.cryptographic_providers);
        self.linked_servers.extend(other.linked_servers);
        self.configurations.extend(other.configurations);
        self.job_steps.extend(other.job_steps);
        self.event_session_targets
            .extend(other.event_session_targets);
    }
}

/// `CREATE/ALTER EVENT SESSION s ON SERVER … ADD TARGET package.target
/// (SET filename = N'…')`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventSessionTarget {
    pub session: String,
    /// The target's name without its package, lower-cased (`event_file`).
    pub target: String,
    /// Its `filename`, when set with a literal.
    pub file: Option<String>,
}

/// A `FOR DATABASE_MIRRORING` endpoint, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MirroringEndpoint {
    pub name: String,
    /// STARTED, STOPPED or DISABLED; None when not stated.
    pub state: Option<String>,
    /// `AUTHENTICATION` names a certificate; None when not stated.
    pub certificate_authentication: Option<bool>,
    /// `ENCRYPTION = DISABLED | SUPPORTED | REQUIRED`; None when not stated.
    pub encryption: Option<String>,
    /// `ALGORITHM` as written (AES, RC4, AES RC4, RC4 AES); None when not stated.
    pub algorithm: Option<String>,
    /// The authenticating certificate and the days until it expires (live).
    pub certificate: Option<String>,
    pub certificate_days_left: Option<i64>,
    /// `LISTENER_PORT` (the link's AG and DAG URLs use it).
    pub port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Login {
    pub name: String,
    /// A Windows login or group (`FROM WINDOWS`).
    pub windows: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerAudit {
    pub name: String,
    /// FILE, APPLICATION_LOG, SECURITY_LOG, URL, EXTERNAL_MONITOR.
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedServer {
    pub name: String,
    /// The OLE DB provider, when stated (`@provider`).
    pub provider: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Configuration {
    /// The option name, lower-cased (`xp_cmdshell`).
    pub name: String,
    pub value: i64,
}

/// A SQL Server Agent job step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStep {
    pub job: Option<String>,
    pub step: Option<String>,
    /// TSQL, CmdExec, PowerShell, SSIS, …, as written.
    pub subsystem: String,
    /// The database a T-SQL step runs in (`@database_name`).
    pub database: Option<String>,
    /// The step's command text.
    pub command: Option<String>,
}

impl JobStep {
    /// The step backs up transaction logs (`BACKUP LOG`, or Ola Hallengren's
    /// `DatabaseBackup … @BackupType = 'LOG'`).
    pub fn backs_up_log(&self) -> bool {
        let Some(command) = &self.command else {
            return false;
        };
        let squeezed: String = command
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase();
        squeezed.contains("BACKUP LOG")
            || squeezed.contains("@BACKUPTYPE = 'LOG'")
            || squeezed.contains("@BACKUPTYPE='LOG'")
    }
}

impl InstanceFacts {
    pub fn unknown(reason: &str) -> Self {
        InstanceFacts {
            version: Known::unknown(reason),
            edition: Known::unknown(reason),
            hadr_enabled: Known::unknown(reason),
            master_key: Known::unknown(reason),
            version_text: Known::unknown(reason),
            link_support_probe: Known::unknown(reason),
            sysadmin: Known::unknown(reason),
            collation: Known::unknown(reason),
            server_name: Known::unknown(reason),
            objects: ServerObjects::default(),
            links: Known::unknown(reason),
        }
    }
}

/// `SERVERPROPERTY('ProductVersion')`, e.g. 16.0.4125.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ProductVersion {
    pub major: u16,
    pub minor: u16,
    pub build: u16,
    pub revision: u16,
}

impl ProductVersion {
    /// Parses `16.0.4125.3` (missing parts are 0).
    pub fn parse(text: &str) -> Option<ProductVersion> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u16>());
        let major = parts.next()?.ok()?;
        let mut next = || parts.next().map_or(Ok(0), |p| p).ok();
        Some(ProductVersion {
            major,
            minor: next()?,
            build: next()?,
            revision: next()?,
        })
    }

    pub const fn new(major: u16, minor: u16, build: u16, revision: u16) -> Self {
        ProductVersion {
            major,
            minor,
            build,
            revision,
        }
    }
}

impl std::fmt::Display for ProductVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{}.{}.{}",
            self.major, self.minor, self.build, self.revision
        )
    }
}

/// A user database and what is known about it.
#[derive(Debug, Clone)]
pub struct Database {
    pub name: String,
    pub facts: DatabaseFacts,
}

impl Database {
    pub fn new(name: impl Into<String>) -> Self {
        Database {
            name: name.into(),
            facts: DatabaseFacts::default(),
        }
    }
}

/// Database-level facts. Each list holds every observation: a live server
/// gives one recovery model, a script tree may set it several times.
#[derive(Debug, Clone, Default)]
pub struct DatabaseFacts {
    pub filegroups: Vec<Fact<Filegroup>>,
    pub files: Vec<Fact<DatabaseFile>>,
    pub filestream_columns: Vec<Fact<ColumnName>>,
    pub filetables: Vec<Fact<String>>,
    pub memory_optimized_objects: Vec<Fact<MemoryOptimizedObject>>,
    /// Tables with Stretch Database (`REMOTE_DATA_ARCHIVE = ON`).
    pub stretch_tables: Vec<Fact<String>>,
    pub settings: Vec<Fact<DatabaseSetting>>,
    pub encryption_keys: Vec<Fact<DatabaseEncryptionKey>>,
    /// What the database's code uses: references, calls, syntax.
    pub usages: Vec<Fact<Usage>>,
    pub assemblies: Vec<Fact<Assembly>>,
    pub replication: Vec<Fact<ReplicationFeature>>,
    /// Tables and columns whose name is NEXT (`table.column`, or the table).
    pub next_names: Vec<Fact<String>>,
    /// State and access (live, inventory).
    pub state: Option<Fact<DatabaseState>>,
    /// Membership of an availability group (live, inventory).
    pub availability_group: Option<Fact<AvailabilityGroupMembership>>,
    /// Backups that matter for seeding (live, inventory).
    pub backups: Option<Fact<BackupHistory>>,
    /// Size of all files, in MB (live, inventory).
    pub size_mb: Option<Fact<u64>>,
    /// Fact sets that could not be read for this database (its own
    /// per-database step failed, or the login cannot enter it).
    pub gaps: Gaps,
}

/// `sys.databases` state and access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseState {
    /// ONLINE, RESTORING, RECOVERING, SUSPECT, OFFLINE, …
    pub state: String,
    pub read_only: bool,
    /// MULTI_USER, SINGLE_USER, RESTRICTED_USER.
    pub user_access: String,
    pub standby: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AvailabilityGroupMembership {
    pub group: String,
    /// Local databases in the same group, this one included.
    pub databases_in_group: usize,
    pub distributed: bool,
    pub contained: bool,
    /// Replicas of the group (`sys.availability_replicas`), when collected:
    /// one replica can be reused by the link with the instance's endpoint;
    /// more need the group's listener address.
    pub replicas: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupHistory {
    /// A full backup (not COPY_ONLY) started the log chain since the
    /// recovery model last changed (`last_log_backup_lsn` is set).
    pub log_chain_started: bool,
    pub full_backups: usize,
    pub copy_only_full_backups: usize,
    /// Log backups in the last 24 hours (scheduled log backups).
    pub log_backups_last_day: usize,
}

impl DatabaseFacts {
    /// Appends every fact of `other`, keeping their order.
    pub fn extend(&mut self, other: DatabaseFacts) {
        self.filegroups.extend(other.filegroups);
        self.files.extend(other.files);
        self.filestream_columns.extend(other.filestream_columns);
        self.filetables.extend(other.filetables);
        self.memory_optimized_objects
            .extend(other.memory_optimized_objects);
        self.stretch_tables.extend(other.stretch_tables);
        self.settings.extend(other.settings);
        self.encryption_keys.extend(other.encryption_keys);
        self.usages.extend(other.usages);
        self.assemblies.extend(other.assemblies);
        self.replication.extend(other.replication);
        self.next_names.extend(other.next_names);
        self.state = other.state.or(self.state.take());
        self.availability_group = other.availability_group.or(self.availability_group.take());
        self.backups = other.backups.or(self.backups.take());
        self.size_mb = other.size_mb.or(self.size_mb.take());
        for (set, reason) in other.gaps {
            self.gaps.entry(set).or_insert(reason);
        }
    }

    /// What kind of file this is, also when the script that added it
    /// (`ADD FILE … TO FILEGROUP fg`) did not see the filegroup created: the
    /// filegroup's kind, from anywhere in this database's facts, decides.
    pub fn effective_file_kind(&self, file: &DatabaseFile) -> FileKind {
        if file.kind != FileKind::Rows {
            return file.kind;
        }
        let filegroup = file.filegroup.as_deref().and_then(|name| {
            self.filegroups
                .iter()
                .find(|fg| fg.value.name.eq_ignore_ascii_case(name))
        });
        match filegroup.map(|fg| fg.value.kind) {
            Some(FilegroupKind::Filestream) => FileKind::Filestream,
            Some(FilegroupKind::MemoryOptimizedData) => FileKind::MemoryOptimizedContainer,
            _ => file.kind,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.filegroups.is_empty()
            && self.files.is_empty()
            && self.filestream_columns.is_empty()
            && self.filetables.is_empty()
            && self.memory_optimized_objects.is_empty()
            && self.stretch_tables.is_empty()
            && self.settings.is_empty()
            && self.encryption_keys.is_empty()
            && self.usages.is_empty()
            && self.assemblies.is_empty()
            && self.replication.is_empty()
            && self.next_names.is_empty()
            && self.state.is_none()
            && self.availability_group.is_none()
            && self.backups.is_none()
            && self.size_mb.is_none()
    }
}

/// What a filegroup holds (`sys.filegroups.type`: FG, FD, FX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilegroupKind {
    Rows,
    Filestream,
    MemoryOptimizedData,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filegroup {
    pub name: String,
    pub kind: FilegroupKind,
}

/// What a database file is (`sys.database_files.type`: ROWS, LOG, FILESTREAM;
/// a memory-optimized container is a FILESTREAM-type file in an FX filegroup).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Rows,
    Log,
    Filestream,
    MemoryOptimizedContainer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseFile {
    /// The logical name (`NAME =`), when known.
    pub logical_name: Option<String>,
    pub kind: FileKind,
    pub filegroup: Option<String>,
    pub definition: FileDefinition,
}

/// How a file came to be known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileDefinition {
    /// Read from the catalog (`sys.database_files`): the complete list.
    Catalog,
    /// Listed in one CREATE DATABASE statement (the origin of that
    /// statement): a script tree may create the same database more than once.
    CreateDatabase(Origin),
    /// `ALTER DATABASE … ADD [LOG] FILE`: joins the files the database
    /// already had, which may not be in this list.
    Added,
}

/// A column of a table, e.g. a FILESTREAM column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnName {
    pub table: String,
    pub column: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoryOptimizedKind {
    Table,
    TableType,
    NativelyCompiledModule,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemoryOptimizedObject {
    pub name: String,
    pub kind: MemoryOptimizedKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecoveryModel {
    Full,
    BulkLogged,
    Simple,
}

impl RecoveryModel {
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryModel::Full => "FULL",
            RecoveryModel::BulkLogged => "BULK_LOGGED",
            RecoveryModel::Simple => "SIMPLE",
        }
    }
}

/// A database option as set (script) or as it is (live).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseSetting {
    RecoveryModel(RecoveryModel),
    CompatibilityLevel(u16),
    /// Transparent data encryption on or off.
    Encryption(bool),
    AcceleratedRecovery {
        enabled: bool,
        /// `PERSISTENT_VERSION_STORE_FILEGROUP`; None means PRIMARY.
        version_store_filegroup: Option<String>,
    },
    /// Stretch Database at database level.
    RemoteDataArchive(bool),
    /// Service Broker enabled (`ENABLE_BROKER`) or disabled (`DISABLE_BROKER`).
    Broker(bool),
    /// A script changes an option the managed instance does not let change
    /// (`SET SINGLE_USER`, `SET NEW_BROKER`, `SET AUTO_CLOSE ON`), as
    /// written (`SINGLE_USER`, `AUTO_CLOSE ON`). Scripts only: it is an
    /// action, not a state.
    FixedOptionChange(String),
}

/// A database encryption key (TDE), protected by a server certificate or key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseEncryptionKey {
    /// The protecting server certificate, when named.
    pub certificate: Option<String>,
}

/// How code uses an object it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceRole {
    /// FROM, JOIN, APPLY, USING, REFERENCES, a function call.
    Read,
    /// INSERT, UPDATE, DELETE, MERGE, SELECT INTO, TRUNCATE targets.
    Write,
    /// EXEC target.
    Execute,
    /// `CREATE SYNONYM … FOR`.
    Synonym,
}

/// A multi-part object name as written: `[server.]database.schema.object`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectReference {
    pub server: Option<String>,
    pub database: Option<String>,
    /// Empty in `database..object`.
    pub schema: Option<String>,
    pub object: String,
    pub role: ReferenceRole,
}

impl ObjectReference {
    /// The name as written, parts joined by dots.
    pub fn display(&self) -> String {
        let mut parts = Vec::new();
        if let Some(server) = &self.server {
            parts.push(server.as_str());
        }
        if let Some(database) = &self.database {
            parts.push(database.as_str());
            parts.push(self.schema.as_deref().unwrap_or(""));
        } else if let Some(schema) = &self.schema {
            parts.push(schema.as_str());
        }
        parts.push(&self.object);
        parts.join(".")
    }
}

/// A literal or name passed to a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArgumentValue {
    String(String),
    Number(String),
    /// A variable, name or keyword (`@x`, `DEFAULT`).
    Name(String),
    Other,
}

impl ArgumentValue {
    pub fn text(&self) -> Option<&str> {
        match self {
            ArgumentValue::String(text)
            | ArgumentValue::Number(text)
            | ArgumentValue::Name(text) => Some(text),
            ArgumentValue::Other => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Argument {
    /// `@name` for a named argument.
    pub name: Option<String>,
    pub value: ArgumentValue,
}

/// `EXEC name …` (or a procedure called as the first statement of a batch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureCall {
    /// The name as written, parts joined by dots.
    pub name: String,
    pub arguments: Vec<Argument>,
}

impl ProcedureCall {
    /// The procedure's own name (the last part), for matching.
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// The argument named `name`, or else the one at `position` (0-based)
    /// when it is passed by position.
    pub fn argument(&self, name: &str, position: usize) -> Option<&ArgumentValue> {
        self.arguments
            .iter()
            .find(|a| {
                a.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .or_else(|| self.arguments.get(position).filter(|a| a.name.is_none()))
            .map(|a| &a.value)
    }
}

/// `OPENQUERY`, `OPENDATASOURCE`, `OPENROWSET`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowsetFunction {
    OpenQuery {
        server: String,
    },
    OpenDataSource {
        provider: String,
    },
    OpenRowset {
        provider: String,
    },
    /// `OPENROWSET(BULK 'file', …)`.
    OpenRowsetBulk {
        file: String,
        data_source: Option<String>,
    },
}

/// Syntax SQL Server removed or the managed instance rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacySyntax {
    /// `*=` / `=*` outer joins.
    OuterJoinOperator,
    Compute,
    FastFirstRow,
    /// `RAISERROR 50001 'text'`.
    RaiserrorWithoutParentheses,
    DisableDefCnstChk,
}

/// What a database's code does that matters after failover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    ObjectReference(ObjectReference),
    ProcedureCall(ProcedureCall),
    RowsetFunction(RowsetFunction),
    /// `EXEC (…) AT server`.
    RemoteExecution {
        server: String,
    },
    /// `BACKUP DATABASE|LOG … TO DISK | TAPE | device`.
    BackupToDevice {
        database: String,
        device: String,
    },
    /// `BULK INSERT … FROM 'file'`.
    BulkInsert {
        file: String,
        data_source: Option<String>,
    },
    DistributedTransaction,
    /// `CREATE/ALTER ROUTE … ADDRESS = '…'`.
    BrokerRoute {
        name: String,
        address: String,
    },
    /// A Service Broker queue or service.
    BrokerObject {
        kind: String,
        name: String,
    },
    LegacySyntax(LegacySyntax),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssemblyPermission {
    Safe,
    ExternalAccess,
    Unsafe,
}

/// A CLR assembly (`CREATE ASSEMBLY`, `sys.assemblies`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assembly {
    pub name: String,
    /// The file path it was created from; None for a binary literal.
    pub from_file: Option<String>,
    pub permission: AssemblyPermission,
}

/// Replication, change data capture or log shipping on a database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicationFeature {
    Publication,
    Subscription,
    ChangeDataCapture,
    LogShipping,
}
