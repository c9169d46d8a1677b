//! The catalog queries, one definition each: the live collector runs them,
//! and the offline collection script is generated from them.
//!
//! Every query starts with `-- linkready:<name>` (per-database ones with
//! `:<database>`), casts its values to nvarchar/int/bigint in SQL (so every
//! version returns the same types), and only reads: SELECT, the read-only
//! `sp_executesql` to run a SELECT in another database, `DBCC TRACESTATUS`.
//! A query chosen per major version keeps one name, so lowering never asks
//! which version answered.

use linkready_rules::{FactSet, tsql_name, tsql_string};

/// A read-only catalog query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryDefinition {
    pub name: &'static str,
    /// The major versions whose catalog has what this text reads.
    pub min_major: u16,
    pub max_major: u16,
    /// The fact sets its rows fill: when it fails, is denied, times out or
    /// is missing from an inventory, these become gaps and every rule
    /// reading them is unknown (a test checks that no query feeds nothing).
    pub feeds: &'static [FactSet],
    pub sql: &'static str,
}

/// A query run in each user database (`EXEC [db].sys.sp_executesql`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatabaseQuery {
    pub name: &'static str,
    /// The fact sets it fills for its database.
    pub feeds: &'static [FactSet],
    pub select: &'static str,
}

impl QueryDefinition {
    pub fn applies_to(&self, major: Option<u16>) -> bool {
        major.is_none_or(|major| (self.min_major..=self.max_major).contains(&major))
    }
}

const ANY: u16 = u16::MAX;

/// Server properties: works on every version (so the report can say when
/// the link is impossible), and tells which other queries apply.
pub const SERVER_PROPERTIES: QueryDefinition = QueryDefinition {
    name: "server_properties",
    min_major: 0,
    max_major: ANY,
    feeds: &[FactSet::ServerProperties],
    sql: "-- linkready:server_properties
SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version,
       CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,
       CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine_edition,
       CAST(ISNULL(SERVERPROPERTY('IsHadrEnabled'), 0) AS int) AS is_hadr_enabled,
       CAST(SERVERPROPERTY('Collation') AS nvarchar(128)) AS collation,
       CAST(@@SERVERNAME AS nvarchar(256)) AS server_name,
       CAST(@@VERSION AS nvarchar(4000)) AS version_text,
       CAST(IS_SRVROLEMEMBER('sysadmin') AS int) AS is_sysadmin,
       CAST(HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE') AS int) AS has_view_server_state,
       CAST(HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW ANY DEFINITION') AS int) AS has_view_any_definition,
       CAST(HAS_DBACCESS('msdb') AS int) AS has_msdb_access,
       CAST(CASE WHEN OBJECT_ID('sys.sp_certificate_add_issuer') IS NULL THEN 0 ELSE 1 END AS int) AS has_certificate_add_issuer;",
};

/// The database master key in master (`symmetric_key_id = 101`).
pub const MASTER_KEY: QueryDefinition = QueryDefinition {
    name: "master_key",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::MasterKey],
    sql: "-- linkready:master_key
SELECT CAST(COUNT(*) AS int) AS master_keys
FROM master.sys.symmetric_keys AS k
WHERE k.symmetric_key_id = 101;",
};

/// The `databases` query with `$adr` as the ADR column (it exists from 2019).
macro_rules! databases_query {
    ($adr:literal) => {
        concat!(
            "-- linkready:databases
SELECT CAST(d.name AS nvarchar(256)) AS name,
       CAST(d.state_desc AS nvarchar(60)) AS state,
       CAST(d.is_read_only AS int) AS is_read_only,
       CAST(d.user_access_desc AS nvarchar(60)) AS user_access,
       CAST(d.is_in_standby AS int) AS is_in_standby,
       CAST(d.recovery_model_desc AS nvarchar(60)) AS recovery_model,
       CAST(d.compatibility_level AS int) AS compatibility_level,
       CAST(d.is_encrypted AS int) AS is_encrypted,
       CAST(d.is_cdc_enabled AS int) AS is_cdc_enabled,
       CAST(d.is_published | d.is_merge_published AS int) AS is_published,
       CAST(d.is_broker_enabled AS int) AS is_broker_enabled,
       CAST(d.is_remote_data_archive_enabled AS int) AS is_stretch_enabled,
       CAST(",
            $adr,
            " AS int) AS is_adr_on,
       CAST(d.is_auto_close_on AS int) AS is_auto_close_on,
       CAST(CASE WHEN d.is_auto_close_on = 1 THEN NULL
                 ELSE (SELECT CASE WHEN rs.last_log_backup_lsn IS NULL THEN 0 ELSE 1 END
                       FROM sys.database_recovery_status AS rs WHERE rs.database_id = d.database_id) END AS int) AS log_chain_started,
       CAST((SELECT SUM(CAST(mf.size AS bigint)) * 8 / 1024 FROM sys.master_files AS mf WHERE mf.database_id = d.database_id) AS bigint) AS size_mb,
       CAST(HAS_DBACCESS(d.name) AS int) AS has_access
FROM sys.databases AS d
WHERE d.database_id > 4;"
        )
    };
}

/// User databases and their options (SQL Server 2016 and 2017).
pub const DATABASES_2016: QueryDefinition = QueryDefinition {
    name: "databases",
    min_major: 13,
    max_major: 14,
    feeds: &[FactSet::DatabaseList],
    sql: databases_query!("NULL"),
};

/// User databases and their options, with ADR (SQL Server 2019 and later).
pub const DATABASES_2019: QueryDefinition = QueryDefinition {
    name: "databases",
    min_major: 15,
    max_major: ANY,
    feeds: &[FactSet::DatabaseList],
    sql: databases_query!("d.is_accelerated_database_recovery_on"),
};

/// Every database file, with its kind (ROWS, LOG, FILESTREAM).
pub const DATABASE_FILES: QueryDefinition = QueryDefinition {
    name: "database_files",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Files],
    sql: "-- linkready:database_files
SELECT CAST(DB_NAME(mf.database_id) AS nvarchar(256)) AS database_name,
       CAST(mf.name AS nvarchar(256)) AS name,
       CAST(mf.type_desc AS nvarchar(60)) AS type,
       CAST(mf.data_space_id AS int) AS data_space_id
FROM sys.master_files AS mf
WHERE mf.database_id > 4;",
};

/// The `availability_groups` query with `$contained` as the contained-AG
/// column (it exists from 2022).
macro_rules! availability_groups_query {
    ($contained:literal) => {
        concat!(
            "-- linkready:availability_groups
SELECT CAST(ag.name AS nvarchar(256)) AS availability_group,
       CAST(ag.is_distributed AS int) AS is_distributed,
       CAST(",
            $contained,
            " AS int) AS is_contained,
       CAST(DB_NAME(drs.database_id) AS nvarchar(256)) AS database_name,
       CAST((SELECT COUNT(*) FROM sys.availability_replicas AS ar WHERE ar.group_id = ag.group_id) AS int) AS replicas
FROM sys.availability_groups AS ag
JOIN sys.dm_hadr_database_replica_states AS drs ON drs.group_id = ag.group_id AND drs.is_local = 1;"
        )
    };
}

/// Availability group membership of local databases (2016–2019).
pub const AVAILABILITY_GROUPS_2016: QueryDefinition = QueryDefinition {
    name: "availability_groups",
    min_major: 13,
    max_major: 15,
    feeds: &[FactSet::AvailabilityGroups],
    sql: availability_groups_query!("0"),
};

/// Availability group membership of local databases, with contained AGs (2022+).
pub const AVAILABILITY_GROUPS_2022: QueryDefinition = QueryDefinition {
    name: "availability_groups",
    min_major: 16,
    max_major: ANY,
    feeds: &[FactSet::AvailabilityGroups],
    sql: availability_groups_query!("ag.is_contained"),
};

/// Transparent data encryption keys.
pub const ENCRYPTION_KEYS: QueryDefinition = QueryDefinition {
    name: "encryption_keys",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::EncryptionKeys],
    sql: "-- linkready:encryption_keys
SELECT CAST(DB_NAME(dek.database_id) AS nvarchar(256)) AS database_name,
       CAST(dek.encryption_state AS int) AS encryption_state,
       CAST(c.name AS nvarchar(256)) AS certificate
FROM sys.dm_database_encryption_keys AS dek
LEFT JOIN master.sys.certificates AS c ON c.thumbprint = dek.encryptor_thumbprint
WHERE dek.database_id > 4;",
};

/// Backup history from msdb for the current databases: backups taken
/// since the database was created or restored (`sys.databases.create_date`;
/// sys.databases has no database_guid, and the view that has one starts
/// AUTO_CLOSE databases), in the last 35 days, plus the latest full backup
/// ever (the history of a busy server spans years).
pub const BACKUPS: QueryDefinition = QueryDefinition {
    name: "backups",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Backups],
    sql: "-- linkready:backups
SELECT CAST(d.name AS nvarchar(256)) AS database_name,
       CAST(bs.type AS nvarchar(1)) AS type,
       CAST(bs.is_copy_only AS int) AS is_copy_only,
       CAST(COUNT(*) AS int) AS backups,
       CAST(SUM(CASE WHEN bs.backup_finish_date > DATEADD(day, -1, GETDATE()) THEN 1 ELSE 0 END) AS int) AS last_day
FROM sys.databases AS d
JOIN msdb.dbo.backupset AS bs ON bs.database_name = d.name COLLATE DATABASE_DEFAULT AND bs.backup_start_date >= d.create_date
WHERE d.database_id > 4
  AND (bs.backup_finish_date > DATEADD(day, -35, GETDATE())
       OR bs.backup_set_id = (SELECT MAX(l.backup_set_id) FROM msdb.dbo.backupset AS l
                              WHERE l.database_name = bs.database_name AND l.type = 'D' AND l.is_copy_only = 0))
GROUP BY d.name, bs.type, bs.is_copy_only;",
};

/// Database mirroring endpoints with their certificates.
pub const ENDPOINTS: QueryDefinition = QueryDefinition {
    name: "endpoints",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Endpoints],
    sql: "-- linkready:endpoints
SELECT CAST(e.name AS nvarchar(256)) AS name,
       CAST(e.state_desc AS nvarchar(60)) AS state,
       CAST(e.connection_auth_desc AS nvarchar(60)) AS authentication,
       CAST(e.encryption_algorithm_desc AS nvarchar(60)) AS algorithm,
       CAST(e.is_encryption_enabled AS int) AS encryption_enabled,
       CAST(c.name AS nvarchar(256)) AS certificate,
       CAST(DATEDIFF(day, GETDATE(), c.expiry_date) AS int) AS certificate_days_left,
       CAST(t.port AS int) AS port
FROM sys.database_mirroring_endpoints AS e
LEFT JOIN sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id
LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id;",
};

/// Server configuration options the rules read (LR316's list is
/// `linkready_rules::UNSUPPORTED_OPTIONS`; a test keeps them together).
pub const CONFIGURATIONS: QueryDefinition = QueryDefinition {
    name: "configurations",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Configurations],
    sql: "-- linkready:configurations
SELECT CAST(c.name AS nvarchar(128)) AS name, CAST(c.value_in_use AS bigint) AS value
FROM sys.configurations AS c
WHERE c.name IN (N'xp_cmdshell', N'clr enabled', N'clr strict security', N'remote data archive', N'allow updates', N'filestream access level', N'remote access', N'remote proc trans', N'scan for startup procs', N'Ole Automation Procedures');",
};

/// Server objects the link does not replicate: logins, linked servers,
/// audits, cryptographic providers (one result set, a kind per row).
pub const SERVER_OBJECTS: QueryDefinition = QueryDefinition {
    name: "server_objects",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Logins, FactSet::LinkedServers, FactSet::ServerAudits, FactSet::CryptographicProviders],
    sql: "-- linkready:server_objects
SELECT CAST(N'login' AS nvarchar(30)) AS kind, CAST(p.name COLLATE DATABASE_DEFAULT AS nvarchar(256)) AS name, CAST(p.type COLLATE DATABASE_DEFAULT AS nvarchar(60)) AS detail
FROM sys.server_principals AS p WHERE p.type IN ('S', 'U', 'G') AND p.name NOT LIKE N'##%' AND p.name NOT LIKE N'NT SERVICE\\%' AND p.name NOT LIKE N'NT AUTHORITY\\%' AND p.name <> N'sa'
UNION ALL
SELECT N'linked_server', CAST(s.name COLLATE DATABASE_DEFAULT AS nvarchar(256)), CAST(s.provider COLLATE DATABASE_DEFAULT AS nvarchar(60)) FROM sys.servers AS s WHERE s.is_linked = 1
UNION ALL
SELECT N'server_audit', CAST(a.name COLLATE DATABASE_DEFAULT AS nvarchar(256)), CAST(a.type COLLATE DATABASE_DEFAULT AS nvarchar(60)) FROM sys.server_audits AS a
UNION ALL
SELECT N'cryptographic_provider', CAST(cp.name COLLATE DATABASE_DEFAULT AS nvarchar(256)), CAST(N'' AS nvarchar(60)) FROM sys.cryptographic_providers AS cp;",
};

/// SQL Server Agent job steps (their T-SQL commands go through the scanner).
pub const JOB_STEPS: QueryDefinition = QueryDefinition {
    name: "job_steps",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::JobSteps, FactSet::Code],
    sql: "-- linkready:job_steps
SELECT CAST(j.name AS nvarchar(256)) AS job,
       CAST(s.step_name AS nvarchar(256)) AS step,
       CAST(s.subsystem AS nvarchar(60)) AS subsystem,
       CAST(s.database_name AS nvarchar(256)) AS database_name,
       CAST(s.command AS nvarchar(max)) AS command
FROM msdb.dbo.sysjobsteps AS s
JOIN msdb.dbo.sysjobs AS j ON j.job_id = s.job_id;",
};

/// Global trace flags (DBCC TRACESTATUS reads; it changes nothing).
pub const TRACE_FLAGS: QueryDefinition = QueryDefinition {
    name: "trace_flags",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::TraceFlags],
    sql: "-- linkready:trace_flags
DBCC TRACESTATUS(-1) WITH NO_INFOMSGS;",
};

/// Startup parameters (`-T1800` sets a trace flag at every start).
pub const STARTUP_PARAMETERS: QueryDefinition = QueryDefinition {
    name: "startup_parameters",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::TraceFlags],
    sql: "-- linkready:startup_parameters
SELECT CAST(r.value_data AS nvarchar(512)) AS parameter
FROM sys.dm_server_registry AS r
WHERE r.value_name LIKE N'SQLArg%';",
};

/// Databases that are log shipping primaries or secondaries here.
pub const LOG_SHIPPING: QueryDefinition = QueryDefinition {
    name: "log_shipping",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Replication],
    sql: "-- linkready:log_shipping
SELECT CAST(p.primary_database COLLATE DATABASE_DEFAULT AS nvarchar(256)) AS database_name FROM msdb.dbo.log_shipping_primary_databases AS p
UNION ALL
SELECT CAST(s.secondary_database COLLATE DATABASE_DEFAULT AS nvarchar(256)) FROM msdb.dbo.log_shipping_secondary_databases AS s;",
};

/// On SQL Server 2016: the grants to NT AUTHORITY\SYSTEM the link needs.
pub const SYSTEM_GRANTS_2016: QueryDefinition = QueryDefinition {
    name: "system_grants",
    min_major: 13,
    max_major: 13,
    feeds: &[FactSet::SystemGrants],
    sql: "-- linkready:system_grants
SELECT CAST(p.permission_name AS nvarchar(128)) AS permission
FROM sys.server_permissions AS p
JOIN sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id
WHERE sp.name = N'NT AUTHORITY\\SYSTEM' AND p.state IN ('G', 'W');",
};

/// The distributed availability groups and the state of their two members
/// (two rows per group; a remote member's state only on the primary).
/// Read by `linkready status`. The query shape follows MicrosoftDocs/sql-docs
/// docs/database-engine/availability-groups/windows/distributed-availability-groups.md
/// ("DMV to list Distributed AG health": sys.availability_replicas of the
/// distributed group left-joined to sys.dm_hadr_availability_replica_states)
/// and azure-sql/managed-instance/managed-instance-link-troubleshoot-how-to.md
/// ("Check link state").
pub const LINKS: QueryDefinition = QueryDefinition {
    name: "links",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Links],
    sql: "-- linkready:links
SELECT CAST(ag.name AS nvarchar(256)) AS link,
       CAST(ar.replica_server_name AS nvarchar(256)) AS member,
       CAST(ar.endpoint_url AS nvarchar(256)) AS endpoint_url,
       CAST(ar.availability_mode_desc AS nvarchar(60)) AS availability_mode,
       CAST(ars.is_local AS int) AS is_local,
       CAST(ars.role_desc AS nvarchar(60)) AS role,
       CAST(ars.connected_state_desc AS nvarchar(60)) AS connected_state,
       CAST(ars.synchronization_health_desc AS nvarchar(60)) AS synchronization_health,
       CAST(ars.last_connect_error_number AS int) AS last_connect_error_number,
       CAST(ars.last_connect_error_description AS nvarchar(1024)) AS last_connect_error_description,
       CAST(DATEDIFF(minute, ars.last_connect_error_timestamp, GETDATE()) AS int) AS last_connect_error_minutes_ago
FROM sys.availability_groups AS ag
JOIN sys.availability_replicas AS ar ON ar.group_id = ag.group_id
LEFT JOIN sys.dm_hadr_availability_replica_states AS ars ON ars.replica_id = ar.replica_id
WHERE ag.is_distributed = 1;",
};

/// Each database's replica rows of the distributed groups: on the primary
/// the partner's row tells how far the secondary is (the failover page
/// joins the same DMV to the distributed group: azure-sql/managed-instance/
/// managed-instance-link-failover-how-to.md).
pub const LINK_DATABASES: QueryDefinition = QueryDefinition {
    name: "link_databases",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Links],
    sql: "-- linkready:link_databases
SELECT CAST(ag.name AS nvarchar(256)) AS link,
       CAST(ar.replica_server_name AS nvarchar(256)) AS member,
       CAST(DB_NAME(drs.database_id) AS nvarchar(256)) AS database_name,
       CAST(drs.is_local AS int) AS is_local,
       CAST(drs.synchronization_state_desc AS nvarchar(60)) AS synchronization_state,
       CAST(drs.synchronization_health_desc AS nvarchar(60)) AS synchronization_health,
       CAST(drs.database_state_desc AS nvarchar(60)) AS database_state,
       CAST(drs.is_suspended AS int) AS is_suspended,
       CAST(drs.suspend_reason_desc AS nvarchar(60)) AS suspend_reason,
       CAST(drs.log_send_queue_size AS bigint) AS log_send_queue_kb,
       CAST(drs.redo_queue_size AS bigint) AS redo_queue_kb,
       CAST(drs.secondary_lag_seconds AS bigint) AS secondary_lag_seconds
FROM sys.availability_groups AS ag
JOIN sys.dm_hadr_database_replica_states AS drs ON drs.group_id = ag.group_id
LEFT JOIN sys.availability_replicas AS ar ON ar.replica_id = drs.replica_id
WHERE ag.is_distributed = 1;",
};

/// The latest automatic seeding of each database toward a member of a
/// distributed group: rows of the distributed group itself, or of its
/// local member group whose other side (`ag_remote_replica_id`, which the
/// distributed-groups page joins to sys.availability_replicas) is one of
/// the distributed group's members. Which id a link's seeding row carries
/// is not documented, so both are matched; the member group's seeding to
/// its own on-premises secondaries is not. Its progress while it runs
/// (the troubleshooting page joins local_physical_seeding_id to
/// operation_id), its age from the UTC start of the physical seeding when
/// there is one (sys-dm-hadr-physical-seeding-stats.md documents
/// start_time_utc; start_time of sys.dm_hadr_automatic_seeding has no
/// documented time zone and is compared with GETDATE() only without it),
/// and the log backups that truncate the log (not COPY_ONLY:
/// docs/relational-databases/backup-restore/copy-only-backups-sql-server.md)
/// taken since it started (errors 1408/1412).
pub const LINK_SEEDING: QueryDefinition = QueryDefinition {
    name: "link_seeding",
    min_major: 13,
    max_major: ANY,
    feeds: &[FactSet::Links],
    sql: "-- linkready:link_seeding
SELECT CAST(ag.name AS nvarchar(256)) AS link,
       CAST(d.name AS nvarchar(256)) AS database_name,
       CAST(s.current_state AS nvarchar(60)) AS current_state,
       CAST(s.failure_state_desc AS nvarchar(256)) AS failure_state,
       CAST(s.error_code AS int) AS error_code,
       CAST(s.number_of_attempts AS int) AS attempts,
       CAST(CASE WHEN ps.start_time_utc IS NOT NULL THEN DATEDIFF(minute, ps.start_time_utc, GETUTCDATE())
                 ELSE DATEDIFF(minute, s.start_time, GETDATE()) END AS int) AS started_minutes_ago,
       CAST(CASE WHEN s.completion_time IS NULL THEN 0 ELSE 1 END AS int) AS completed,
       CAST(ps.transferred_size_bytes AS bigint) AS transferred_bytes,
       CAST(ps.database_size_bytes AS bigint) AS database_bytes,
       CAST(ps.failure_message AS nvarchar(1024)) AS failure_message,
       CAST((SELECT COUNT(*) FROM msdb.dbo.backupset AS b
             WHERE b.database_name = d.name COLLATE DATABASE_DEFAULT AND b.type = 'L' AND b.is_copy_only = 0
               AND b.backup_finish_date >= s.start_time) AS int) AS log_backups_since_start
FROM sys.dm_hadr_automatic_seeding AS s
JOIN sys.databases AS d ON d.group_database_id = s.ag_db_id
JOIN sys.availability_groups AS ag ON ag.is_distributed = 1
 AND (s.ag_id = ag.group_id
      OR s.ag_remote_replica_id IN (SELECT dr.replica_id FROM sys.availability_replicas AS dr
                                    WHERE dr.group_id = ag.group_id))
LEFT JOIN sys.dm_hadr_physical_seeding_stats AS ps ON ps.local_physical_seeding_id = s.operation_id
WHERE s.start_time = (SELECT MAX(l.start_time) FROM sys.dm_hadr_automatic_seeding AS l
                      WHERE l.ag_id = s.ag_id AND l.ag_db_id = s.ag_db_id
                        AND l.ag_remote_replica_id = s.ag_remote_replica_id);",
};

/// The queries after server properties, in the order they run.
pub const INSTANCE_QUERIES: &[QueryDefinition] = &[
    MASTER_KEY,
    DATABASES_2016,
    DATABASES_2019,
    DATABASE_FILES,
    AVAILABILITY_GROUPS_2016,
    AVAILABILITY_GROUPS_2022,
    ENCRYPTION_KEYS,
    BACKUPS,
    ENDPOINTS,
    CONFIGURATIONS,
    SERVER_OBJECTS,
    JOB_STEPS,
    TRACE_FLAGS,
    STARTUP_PARAMETERS,
    LOG_SHIPPING,
    SYSTEM_GRANTS_2016,
    LINKS,
    LINK_DATABASES,
    LINK_SEEDING,
];

/// What one database holds, one row per object: run in the database with
/// `EXEC [db].sys.sp_executesql` (a read-only system procedure).
pub const DATABASE_OBJECTS_NAME: &str = "database_objects";
pub const DATABASE_OBJECTS_SELECT: &str = "SELECT CAST(N'filegroup' AS nvarchar(40)) AS kind, CAST(fg.name COLLATE DATABASE_DEFAULT AS nvarchar(512)) AS name, CAST(fg.type COLLATE DATABASE_DEFAULT AS nvarchar(256)) AS detail FROM sys.filegroups AS fg
UNION ALL SELECT N'file', CAST(f.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), CAST(f.type_desc COLLATE DATABASE_DEFAULT + N'|' + ISNULL(g.name COLLATE DATABASE_DEFAULT, N'') AS nvarchar(256)) FROM sys.database_files AS f LEFT JOIN sys.filegroups AS g ON g.data_space_id = f.data_space_id
UNION ALL SELECT N'size_mb', CAST(SUM(CAST(sf.size AS bigint)) * 8 / 1024 AS nvarchar(40)), N'' FROM sys.database_files AS sf
UNION ALL SELECT N'filetable', CAST(SCHEMA_NAME(ft.schema_id) + N'.' + ft.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), N'' FROM sys.tables AS ft WHERE ft.is_filetable = 1
UNION ALL SELECT N'filestream_column', CAST(SCHEMA_NAME(t.schema_id) + N'.' + t.name COLLATE DATABASE_DEFAULT + N'.' + c.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), N'' FROM sys.columns AS c JOIN sys.tables AS t ON t.object_id = c.object_id WHERE c.is_filestream = 1
UNION ALL SELECT N'memory_optimized_table', CAST(SCHEMA_NAME(mt.schema_id) + N'.' + mt.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), N'' FROM sys.tables AS mt WHERE mt.is_memory_optimized = 1
UNION ALL SELECT N'memory_optimized_type', CAST(SCHEMA_NAME(tt.schema_id) + N'.' + tt.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), N'' FROM sys.table_types AS tt WHERE tt.is_memory_optimized = 1
UNION ALL SELECT N'native_module', CAST(OBJECT_SCHEMA_NAME(nm.object_id) + N'.' + OBJECT_NAME(nm.object_id) AS nvarchar(512)), N'' FROM sys.sql_modules AS nm WHERE nm.uses_native_compilation = 1
UNION ALL SELECT N'stretch_table', CAST(SCHEMA_NAME(st.schema_id) + N'.' + st.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), N'' FROM sys.tables AS st WHERE st.is_remote_data_archive_enabled = 1
UNION ALL SELECT N'assembly', CAST(a.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), CAST(a.permission_set_desc COLLATE DATABASE_DEFAULT AS nvarchar(256)) FROM sys.assemblies AS a WHERE a.is_user_defined = 1
UNION ALL SELECT N'broker_queue', CAST(SCHEMA_NAME(q.schema_id) + N'.' + q.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), N'' FROM sys.service_queues AS q WHERE q.is_ms_shipped = 0
UNION ALL SELECT N'route', CAST(r.name COLLATE DATABASE_DEFAULT AS nvarchar(512)), CAST(r.address COLLATE DATABASE_DEFAULT AS nvarchar(256)) FROM sys.routes AS r WHERE r.name <> N'AutoCreatedLocal'
UNION ALL SELECT N'replication_subscription', N'dbo.MSreplication_subscriptions', N'' WHERE OBJECT_ID(N'dbo.MSreplication_subscriptions', N'U') IS NOT NULL
UNION ALL SELECT N'replication_subscription', N'dbo.MSsubscription_agents', N'' WHERE OBJECT_ID(N'dbo.MSsubscription_agents', N'U') IS NOT NULL;";

/// The T-SQL of every module (procedure, function, view, trigger), which
/// goes through the same scanner as script files.
pub const DATABASE_MODULES_NAME: &str = "database_modules";
pub const DATABASE_MODULES_SELECT: &str = "SELECT CAST(OBJECT_SCHEMA_NAME(m.object_id) + N'.' + OBJECT_NAME(m.object_id) AS nvarchar(512)) AS object, CAST(m.definition AS nvarchar(max)) AS definition FROM sys.sql_modules AS m JOIN sys.objects AS o ON o.object_id = m.object_id WHERE o.is_ms_shipped = 0;";

/// The per-database queries, run in each database the login can enter.
/// `database_objects` also reads `sys.database_files`; the server-wide
/// `database_files` query is its fallback for the files.
pub const DATABASE_QUERIES: [DatabaseQuery; 2] = [
    DatabaseQuery {
        name: DATABASE_OBJECTS_NAME,
        feeds: &[FactSet::Objects, FactSet::Files],
        select: DATABASE_OBJECTS_SELECT,
    },
    DatabaseQuery {
        name: DATABASE_MODULES_NAME,
        feeds: &[FactSet::Code],
        select: DATABASE_MODULES_SELECT,
    },
];

/// One query of a batch: its name (what errors and scenarios call it) and
/// the statement that runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchStep {
    pub name: String,
    pub statement: String,
}

impl BatchStep {
    /// A server-wide query, run through `sp_executesql` so that an error
    /// while compiling it (a column this build lacks) happens one level
    /// down, where the batch's TRY/CATCH catches it.
    pub fn instance(query: &QueryDefinition) -> BatchStep {
        BatchStep {
            name: query.name.to_string(),
            statement: format!("EXEC sys.sp_executesql {};", tsql_string(query.sql)),
        }
    }

    /// A per-database query, run in `database`.
    pub fn database(query: &DatabaseQuery, database: &str) -> BatchStep {
        BatchStep {
            name: format!("{}:{database}", query.name),
            statement: format!(
                "EXEC {}.sys.sp_executesql {};",
                tsql_name(database),
                tsql_string(query.select)
            ),
        }
    }
}

/// The column of the row that opens step N of a batch, of the row a
/// caught error leaves, and of the batch's last row.
pub const STEP_COLUMN: &str = "linkready_step";
pub const ERROR_COLUMN: &str = "linkready_error";
pub const END_COLUMN: &str = "linkready_end";
/// The statement after every batch (and after a lone query): SQL Server
/// sends its row only once everything before it is complete, so a result
/// cut short without an error is told from a whole one.
pub const END_MARKER: &str = "SELECT CAST(1 AS int) AS linkready_end;";

/// Several queries in one round trip, each still answering for itself.
/// Before step N, a one-row result `linkready_step = N` says which query the
/// rows after it belong to; `RAISERROR … WITH NOWAIT` makes SQL Server send
/// it at once ("sends messages immediately to the client", MicrosoftDocs/
/// sql-docs docs/t-sql/language-elements/raiserror-transact-sql.md), so a
/// slow query's time-out is charged to that query, not to the one before.
/// Each query runs inside BEGIN TRY … END CATCH: an error (permission
/// denied, an unknown column) becomes a row `linkready_error,
/// linkready_message` for that step only and the batch goes on (TRY…CATCH
/// catches compile errors "at a lower execution level", such as inside
/// sp_executesql: docs/t-sql/language-elements/try-catch-transact-sql.md).
/// Step numbers, not names, identify steps: a database name can hold any
/// text. Each step's tag line `-- linkready:<name>` is for people reading a
/// trace (and the scripted test server); it never holds a line break.
pub fn batch(steps: &[BatchStep]) -> String {
    let mut text = String::from("-- linkready:batch\n");
    for (index, step) in steps.iter().enumerate() {
        let tag = step.name.replace(['\r', '\n'], " ");
        text.push_str(&format!(
            "-- linkready:{tag}\nSELECT CAST({index} AS int) AS {STEP_COLUMN};\nRAISERROR(N'linkready step %d', 0, 1, {index}) WITH NOWAIT;\nBEGIN TRY\n{}\nEND TRY\nBEGIN CATCH\nSELECT ERROR_NUMBER() AS {ERROR_COLUMN}, CAST(ERROR_MESSAGE() AS nvarchar(4000)) AS linkready_message;\nEND CATCH;\n",
            step.statement
        ));
    }
    text.push_str(END_MARKER);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_is_tagged_and_reads_only() {
        let steps: Vec<BatchStep> = INSTANCE_QUERIES
            .iter()
            .map(BatchStep::instance)
            .chain(
                DATABASE_QUERIES
                    .iter()
                    .map(|query| BatchStep::database(query, "Sales")),
            )
            .collect();
        let whole = batch(&steps);
        let texts = std::iter::once(SERVER_PROPERTIES.sql)
            .chain(INSTANCE_QUERIES.iter().map(|q| q.sql))
            .chain(std::iter::once(whole.as_str()));
        for sql in texts {
            assert!(sql.starts_with("-- linkready:"), "{sql}");
            let upper = sql.to_ascii_uppercase();
            for verb in [
                "INSERT ",
                "UPDATE ",
                "DELETE ",
                "CREATE ",
                "ALTER ",
                "DROP ",
                "GRANT ",
                "BACKUP ",
                "RESTORE ",
                "RECONFIGURE",
                "SP_CONFIGURE",
            ] {
                assert!(!upper.contains(verb), "{sql} contains {verb}");
            }
        }
    }

    #[test]
    fn one_text_per_name_and_version() {
        for major in 13..=17 {
            let mut names: Vec<&str> = INSTANCE_QUERIES
                .iter()
                .filter(|q| q.applies_to(Some(major)))
                .map(|q| q.name)
                .collect();
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                count,
                "two texts of one query for major {major}"
            );
        }
    }

    #[test]
    fn database_names_are_quoted() {
        let step = BatchStep::database(&DATABASE_QUERIES[0], "a]b'c");
        assert_eq!(step.name, "database_objects:a]b'c");
        assert!(
            step.statement
                .starts_with("EXEC [a]]b'c].sys.sp_executesql N'SELECT CAST(N''filegroup''"),
            "{}",
            step.statement
        );
    }

    #[test]
    fn a_batch_numbers_its_steps_and_tags_them_on_one_line() {
        let steps = [
            BatchStep::instance(&MASTER_KEY),
            BatchStep::database(&DATABASE_QUERIES[1], "x\r\n-- linkready:evil"),
        ];
        let text = batch(&steps);
        assert!(text.starts_with("-- linkready:batch\n-- linkready:master_key\nSELECT CAST(0 AS int) AS linkready_step;\nRAISERROR(N'linkready step %d', 0, 1, 0) WITH NOWAIT;\nBEGIN TRY\nEXEC sys.sp_executesql N'-- linkready:master_key"), "{text}");
        assert!(text.contains("\n-- linkready:database_modules:x  -- linkready:evil\nSELECT CAST(1 AS int) AS linkready_step;"), "{text}");
        assert_eq!(
            text.matches("BEGIN CATCH\nSELECT ERROR_NUMBER() AS linkready_error")
                .count(),
            2
        );
        assert!(text.ends_with(END_MARKER));
    }

    /// LR316 judges only what the collector reads: every option of its
    /// list is in the configurations query.
    #[test]
    fn the_configurations_query_reads_every_option_lr316_judges() {
        let sql = CONFIGURATIONS.sql.to_ascii_lowercase();
        for option in linkready_rules::rules::UNSUPPORTED_OPTIONS {
            assert!(
                sql.contains(&format!("n'{}'", option.name)),
                "{} is not read",
                option.name
            );
        }
    }
}
