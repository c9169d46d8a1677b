//! The errors people meet while creating and running a Managed Instance
//! link, as data: what each means for the link, what to check, how to fix
//! it, and the rules that predict it (`linkready explain`, and the errors a
//! rule prevents in `linkready rule`).
//!
//! Every entry names the Microsoft documents it was checked against, in
//! MicrosoftDocs/sql-docs (paths relative to that repository; read
//! 2026-12-07). The troubleshooting page is
//! `azure-sql/managed-instance/managed-instance-link-troubleshoot-how-to.md`
//! (ms.date 06/25/2026); its "Errors initializing a link" section lists the
//! codes of the LinkInitError state (41962, 41973, 41974, 41976, 41986,
//! 47521), "Errors creating a link" those of LinkCreationError (41977,
//! 1408, 1412). The message texts are Microsoft's error tables
//! (`docs/relational-databases/errors-events/database-engine-events-and-errors-*.md`,
//! SQL Server 2025 includes); they are summarized here, not quoted whole.

/// One error number and what it means for the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkError {
    pub code: u32,
    /// A few words: what went wrong.
    pub title: &'static str,
    /// The message's gist, as SQL Server prints it (shortened).
    pub message: &'static str,
    /// What it means for the link.
    pub meaning: &'static str,
    pub check: &'static [&'static str],
    pub fix: &'static [&'static str],
    /// Rule IDs that find its cause before the link is created.
    pub rules: &'static [&'static str],
    /// Distinctive words of the message, lower case, that identify it in a
    /// pasted text without its number.
    pub keywords: &'static [&'static str],
    /// Whether Microsoft's link documents name it (else it is a generic
    /// availability group error whose causes overlap the link's).
    pub named_by_link_docs: bool,
    /// MicrosoftDocs/sql-docs paths (and the heading) it was checked against.
    pub sources: &'static [&'static str],
}

/// The catalog, by code.
pub static LINK_ERRORS: &[LinkError] = &[
    LinkError {
        code: 1408,
        title: "the log was truncated before seeding finished",
        message: "The remote copy of database is not recovered far enough to enable database mirroring or to join it to the availability group",
        meaning: "a transaction log backup on SQL Server during initial seeding removed log the managed instance still needed; this link cannot recover",
        check: &[
            "log backup jobs or maintenance plans that ran on SQL Server while the link was seeding",
            "the managed instance's error log during seeding",
        ],
        fix: &[
            "drop the link and create it again",
            "before that, turn on trace flag 12381 where the build supports it, or pause log backups until seeding completes",
        ],
        rules: &["LR213"],
        keywords: &["not recovered far enough"],
        named_by_link_docs: true,
        sources: &[
            "azure-sql/managed-instance/managed-instance-link-troubleshoot-how-to.md (Errors creating a link; Prevent premature log truncation with trace flag 12381)",
            "docs/relational-databases/errors-events/includes/sql-server-2025-database-engine-events-and-errors-1000-1999.md (1408)",
        ],
    },
    LinkError {
        code: 1412,
        title: "the log was truncated before seeding finished",
        message: "The remote copy of the database has not been rolled forward to a point in time that is encompassed in the local copy of the database log",
        meaning: "the same premature log truncation as 1408: a log backup on SQL Server during seeding; this link cannot recover",
        check: &[
            "log backup jobs on SQL Server during seeding",
            "the managed instance's error log for 1412",
        ],
        fix: &[
            "drop the link and create it again",
            "keep the log during seeding: trace flag 12381, or pause log backups until seeding completes",
        ],
        rules: &["LR213"],
        keywords: &["has not been rolled forward"],
        named_by_link_docs: true,
        sources: &[
            "azure-sql/managed-instance/managed-instance-link-troubleshoot-how-to.md (Errors creating a link; Error 1412)",
            "docs/relational-databases/errors-events/includes/sql-server-2025-database-engine-events-and-errors-1000-1999.md (1412)",
        ],
    },
    LinkError {
        code: 1465,
        title: "the database is not in the FULL recovery model",
        message: "Database is not in full recovery mode on each of the server instances",
        meaning: "an availability group, and so the link, needs the FULL recovery model",
        check: &["sys.databases.recovery_model_desc for the database"],
        fix: &["ALTER DATABASE … SET RECOVERY FULL, then take a full backup (not COPY_ONLY)"],
        rules: &["LR211"],
        keywords: &["not in full recovery mode"],
        named_by_link_docs: false,
        sources: &[
            "docs/relational-databases/errors-events/includes/sql-server-2025-database-engine-events-and-errors-1000-1999.md (1465)",
        ],
    },
    LinkError {
        code: 1475,
        title: "no full backup starts the backup chain",
        message: "Database might contain bulk logged changes that have not been backed up",
        meaning: "on the initial SQL Server primary this means the backup chain must start with a full backup that is not COPY_ONLY",
        check: &[
            "msdb.dbo.backupset: a full backup (type D) with is_copy_only = 0 since the last recovery model change",
            "whether the database was in BULK_LOGGED",
        ],
        fix: &["take a full backup without COPY_ONLY, then create the link"],
        rules: &["LR212"],
        keywords: &["bulk logged changes"],
        named_by_link_docs: true,
        sources: &[
            "azure-sql/managed-instance/managed-instance-link-configure-how-to-scripts.md (Prerequisites)",
            "azure-sql/managed-instance/managed-instance-link-configure-how-to-ssms.md (Prerequisites)",
            "docs/relational-databases/errors-events/includes/sql-server-2025-database-engine-events-and-errors-1000-1999.md (1475)",
        ],
    },
    LinkError {
        code: 2812,
        title: "sp_certificate_add_issuer is missing: the servicing update is not installed",
        message: "Could not find stored procedure 'sp_certificate_add_issuer'",
        meaning: "importing the Azure root certificate authorities needs sys.sp_certificate_add_issuer, which only the link's minimum servicing level (a CU, or the Azure Connect pack for SQL Server 2016) installs",
        check: &[
            "SERVERPROPERTY('ProductVersion') against the link's minimum build for the version",
        ],
        fix: &[
            "install the cumulative update (SQL Server 2019 CU20 or later, 2017 CU31 and its Azure Connect pack, 2016 SP3 and its Azure Connect pack), then import the root certificates again",
        ],
        rules: &["LR102", "LR101"],
        keywords: &["sp_certificate_add_issuer"],
        named_by_link_docs: true,
        sources: &[
            "docs/sql-server/azure-arc/migration-sql-mi-prepare-link.md (Import Azure-trusted root certificate authority keys to SQL Server; Supported SQL Server versions)",
            "docs/relational-databases/errors-events/database-engine-events-and-errors-2000-to-2999.md (2812)",
        ],
    },
    LinkError {
        code: 18452,
        title: "a SQL login used with Windows authentication (not a link error)",
        message: "Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication",
        meaning: "a client or tool login failed; the link's endpoints authenticate with certificates, so this is not the link itself",
        check: &[
            "the authentication mode of the server (mixed mode for SQL logins)",
            "that the login exists and the client uses the right kind of authentication",
        ],
        fix: &["use a login of the kind the server accepts, or enable mixed mode"],
        rules: &[],
        keywords: &[
            "untrusted domain",
            "cannot be used with windows authentication",
        ],
        named_by_link_docs: false,
        sources: &[
            "docs/relational-databases/errors-events/mssqlserver-18452-database-engine-error.md (Explanation; User action)",
        ],
    },
    LinkError {
        code: 19499,
        title: "the distributed availability group's listener URL is invalid",
        message: "The specified listener URL is invalid. Reenter the command specifying the correct URL",
        meaning: "CREATE AVAILABILITY GROUP … DISTRIBUTED rejected the managed instance replica's LISTENER_URL",
        check: &[
            "the URL's form: tcp://<managed instance FQDN>:5022;Server=[<managed instance name>]",
            "the SQL Server build (the link's minimum servicing level)",
        ],
        fix: &[
            "write the URL in the documented form (linkready scripts writes it)",
            "install the link's minimum cumulative update if the build is older",
        ],
        rules: &["LR102"],
        keywords: &["listener url", "listener_url"],
        named_by_link_docs: false,
        sources: &[
            "azure-sql/managed-instance/managed-instance-link-configure-how-to-scripts.md (Create an availability group: the distributed availability group's LISTENER_URL)",
            "docs/relational-databases/errors-events/database-engine-events-and-errors-19000-to-20999.md (19499)",
        ],
    },
    LinkError {
        code: 35250,
        title: "the primary replica's connection is not active",
        message: "The connection to the primary replica is not active. The command cannot be processed",
        meaning: "joining the database failed because the database mirroring endpoint could not be reached or refused the connection",
        check: &[
            "the endpoint exists and is STARTED (sys.database_mirroring_endpoints) on the port the URL names",
            "port 5022 open both ways between SQL Server and the managed instance's subnet",
            "last_connect_error_description in sys.dm_hadr_availability_replica_states",
        ],
        fix: &[
            "start the endpoint, open the port, correct the URL or port, grant CONNECT on the endpoint",
        ],
        rules: &["LR108", "LR319"],
        keywords: &["primary replica is not active"],
        named_by_link_docs: false,
        sources: &[
            "docs/relational-databases/errors-events/mssqlserver-35250-database-engine-error.md (Explanation; User action)",
        ],
    },
    LinkError {
        code: 35256,
        title: "the other replica did not answer within the session timeout",
        message: "The session timeout value was exceeded while waiting for a response from the other availability replica in the session",
        meaning: "the replicas lost each other: usually the network path on 5022 or 11000-11999, or a partner that is down",
        check: &[
            "ports 5022 and 11000-11999 in both directions",
            "that the partner is up",
        ],
        fix: &["restore connectivity, then let the link reconnect"],
        rules: &["LR319"],
        keywords: &["session timeout value was exceeded"],
        named_by_link_docs: false,
        sources: &[
            "docs/relational-databases/errors-events/database-engine-events-and-errors-31000-to-41399.md (35256)",
        ],
    },
    LinkError {
        code: 41429,
        title: "a second database cannot join a single-database link",
        message: "A database cannot be added to an availability group that is part of a link: a link carries one database",
        meaning: "in single-database mode each database gets its own link (availability group and distributed availability group)",
        check: &["the availability group of the link: it must hold the linked database alone"],
        fix: &["create a link for the other database (linkready scripts writes one per database)"],
        rules: &["LR207"],
        keywords: &[],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 41840,
        title: "the managed instance's In-Memory OLTP quota is reached",
        message: "Could not perform the operation because the elastic pool or managed instance has reached its quota for in-memory tables",
        meaning: "the database's memory-optimized data does not fit the managed instance's tier and size",
        check: &[
            "the size of memory-optimized data against the managed instance's In-Memory OLTP limit (Business Critical only)",
        ],
        fix: &[
            "link to a larger Business Critical managed instance, or reduce memory-optimized data",
        ],
        rules: &["LR205", "LR114"],
        keywords: &["quota for in-memory tables"],
        named_by_link_docs: false,
        sources: &[
            "docs/relational-databases/errors-events/includes/sql-server-2025-database-engine-events-and-errors-41400-49999.md (41840)",
            "azure-sql/managed-instance/managed-instance-link-preparation.md (Prerequisites: In-Memory OLTP memory)",
        ],
    },
    LinkError {
        code: 41947,
        title: "memory-optimized data toward a tier without In-Memory OLTP",
        message: "The memory-optimized filegroup must be empty when the managed instance's tier has no In-Memory OLTP",
        meaning: "General Purpose managed instances have no In-Memory OLTP; the source database's memory-optimized data cannot land there",
        check: &[
            "memory-optimized tables and the MEMORY_OPTIMIZED_DATA filegroup of the database",
            "the target's tier ([target] tier)",
        ],
        fix: &[
            "link to a Business Critical managed instance, or move the data out of memory-optimized tables first",
        ],
        rules: &["LR205"],
        keywords: &[],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 41948,
        title: "the database has more than one log file",
        message: "The link needs the source database to have a single log file",
        meaning: "a managed instance database has one log file",
        check: &["sys.database_files rows of type LOG"],
        fix: &[
            "empty and remove the extra log files (DBCC SHRINKFILE … EMPTYFILE, ALTER DATABASE … REMOVE FILE)",
        ],
        rules: &["LR204"],
        keywords: &[],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 41950,
        title: "the database uses FILESTREAM or FileTables",
        message: "The source database must not use FILESTREAM or FileTables",
        meaning: "the managed instance has no FILESTREAM",
        check: &["FILESTREAM filegroups, files and columns; FileTables"],
        fix: &["move the documents out of the database and remove FILESTREAM before linking"],
        rules: &["LR202", "LR203"],
        keywords: &[],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 41962,
        title: "replication did not start in time: usually the network",
        message: "The operation was aborted because replication between SQL Server and Azure SQL Managed Instance did not start within the allowed minutes",
        meaning: "the link never got past initialization; the replicas could not reach each other",
        check: &[
            "TCP 5022 and 11000-11999 from SQL Server to the managed instance's subnet, and 5022 back (network security group, firewalls, the host's firewall)",
            "the two-sided network test (linkready scripts writes it in _instance/00-network-*.sql; linkready scan --network-results reads its output)",
        ],
        fix: &[
            "open the ports in both directions, confirm with the network test, then create the link again",
        ],
        rules: &["LR319"],
        keywords: &["did not start within"],
        named_by_link_docs: true,
        sources: &[
            TROUBLESHOOT_INIT,
            "docs/relational-databases/errors-events/mssqlserver-41962-database-engine-error.md (Explanation; User action)",
            "azure-sql/managed-instance/managed-instance-link-preparation.md (Network ports between the environments)",
        ],
    },
    LinkError {
        code: 41973,
        title: "the managed instance does not trust SQL Server's endpoint certificate",
        message: "The link cannot be established because the endpoint certificate from SQL Server has not been imported to Azure SQL Managed Instance",
        meaning: "SQL Server's endpoint certificate (its public key) was not uploaded to the managed instance",
        check: &[
            "Get-AzSqlInstanceServerTrustCertificate (or az sql mi partner-cert list) for SQL Server's certificate",
            "that the mirroring endpoint uses that certificate",
        ],
        fix: &[
            "upload the public key with New-AzSqlInstanceServerTrustCertificate (or az sql mi partner-cert create), then create the link again",
        ],
        rules: &["LR108", "LR107"],
        keywords: &["has not been imported to azure sql managed instance"],
        named_by_link_docs: true,
        sources: &[
            TROUBLESHOOT_INIT,
            "docs/relational-databases/errors-events/mssqlserver-41973-database-engine-error.md (User action)",
            "azure-sql/managed-instance/managed-instance-link-configure-how-to-scripts.md (Create a certificate on SQL Server and import its public key to SQL Managed Instance)",
        ],
    },
    LinkError {
        code: 41974,
        title: "SQL Server does not trust the managed instance's endpoint certificate",
        message: "The link cannot be established because the endpoint certificate from Azure SQL Managed Instance has not been imported to SQL Server",
        meaning: "SQL Server has no certificate named after the managed instance's FQDN holding its endpoint's public key (or lacks the Azure root authorities)",
        check: &[
            "sys.certificates on SQL Server: a certificate named exactly as the managed instance's FQDN",
            "the MicrosoftPKI and DigiCertPKI root certificates (sp_certificate_add_issuer)",
        ],
        fix: &[
            "get the public key (Get-AzSqlInstanceEndpointCertificate -EndpointType DATABASE_MIRRORING) and CREATE CERTIFICATE [<FQDN>] FROM BINARY on SQL Server, then create the link again",
        ],
        rules: &["LR108", "LR107", "LR102"],
        keywords: &["has not been imported to sql server"],
        named_by_link_docs: true,
        sources: &[
            TROUBLESHOOT_INIT,
            "docs/relational-databases/errors-events/mssqlserver-41974-database-engine-error.md (User action)",
            "azure-sql/managed-instance/managed-instance-link-configure-how-to-scripts.md (Get the certificate public key from SQL Managed Instance and import it to SQL Server)",
        ],
    },
    LinkError {
        code: 41976,
        title: "the partner's availability group does not answer",
        message: "Connection with availability group on the server with endpoint cannot be established as it is not responding",
        meaning: "the endpoint was reached, but the availability group or distributed availability group it expects is missing or named differently",
        check: &[
            "the availability group exists on the primary and the distributed one on both sides",
            "the server, availability group and distributed availability group names match what each side was given",
        ],
        fix: &[
            "correct the names or parameters, recreate the availability groups, create the link again",
        ],
        rules: &[],
        keywords: &["cannot be established as it is not responding"],
        named_by_link_docs: true,
        sources: &[
            TROUBLESHOOT_INIT,
            "docs/relational-databases/errors-events/mssqlserver-41976-database-engine-error.md (Explanation; User action)",
        ],
    },
    LinkError {
        code: 41977,
        title: "the database did not answer on the partner",
        message: "Connection with availability group is established, but there is no response from the target database",
        meaning: "the replicas connect, but the database was not created or does not respond on the secondary",
        check: &[
            "the database, instance and availability group names",
            "that each script ran on the intended replica",
        ],
        fix: &["correct the parameters and create the link again"],
        rules: &[],
        keywords: &["no response from the target database"],
        named_by_link_docs: true,
        sources: &[
            "azure-sql/managed-instance/managed-instance-link-troubleshoot-how-to.md (Errors creating a link)",
            "docs/relational-databases/errors-events/mssqlserver-41977-database-engine-error.md",
        ],
    },
    LinkError {
        code: 41984,
        title: "the database format of the two sides does not match",
        message: "The managed instance's database format does not match SQL Server's (needed to fail back)",
        meaning: "failing over both ways needs the managed instance's update policy to match the SQL Server version",
        check: &[
            "the managed instance's update policy (databaseFormat) against SQL Server's version",
        ],
        fix: &["link one way, or use a managed instance on the matching update policy"],
        rules: &["LR113"],
        keywords: &[],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 41986,
        title: "link creation timed out reaching SQL Server",
        message: "Azure SQL Managed Instance link creation failed because either connection to SQL Server failed, or the server did not respond after a prolonged period of time",
        meaning: "the managed instance could not reach SQL Server's endpoint: network, name resolution or a stopped endpoint",
        check: &[
            "ports 5022 and 11000-11999 in both directions; the address the managed instance uses resolves to SQL Server",
            "the mirroring endpoint is STARTED",
        ],
        fix: &["fix the network path or the endpoint, then create the link again"],
        rules: &["LR319", "LR108"],
        keywords: &["did not respond after a prolonged period"],
        named_by_link_docs: true,
        sources: &[
            TROUBLESHOOT_INIT,
            "docs/relational-databases/errors-events/mssqlserver-41986-database-engine-error.md",
        ],
    },
    LinkError {
        code: 41998,
        title: "the mirroring endpoint does not encrypt",
        message: "Encryption is not enabled on the SQL Server database mirroring endpoint",
        meaning: "the link needs an encrypted (AES) database mirroring endpoint",
        check: &[
            "sys.database_mirroring_endpoints.is_encryption_enabled and encryption_algorithm_desc",
        ],
        fix: &["ALTER ENDPOINT … FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES)"],
        rules: &["LR108"],
        keywords: &["encryption is not enabled"],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 47105,
        title: "Always On availability groups are not enabled",
        message: "The Always On availability groups feature must be enabled for the server instance",
        meaning: "the link is a distributed availability group: the instance needs the feature on (and a restart)",
        check: &["SERVERPROPERTY('IsHadrEnabled')"],
        fix: &[
            "enable Always On availability groups in SQL Server Configuration Manager (or Enable-SqlAlwaysOn) and restart the service",
        ],
        rules: &["LR105"],
        keywords: &["feature must be enabled"],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 47502,
        title: "the availability group must hold exactly one database",
        message: "The local availability group must contain exactly one database for a distributed availability group with a managed instance",
        meaning: "in single-database mode each link is an availability group of one database",
        check: &["sys.availability_databases_cluster for the link's availability group"],
        fix: &["one availability group per database (linkready scripts writes them so)"],
        rules: &["LR207"],
        keywords: &["exactly one database"],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 47505,
        title: "the endpoint or its certificate cannot be found",
        message: "The database mirroring endpoint or its certificate is missing, or the login cannot see it",
        meaning: "the link authenticates SQL Server's endpoint with a certificate the setup names",
        check: &[
            "sys.database_mirroring_endpoints and the certificate it uses (sys.certificates)",
            "the permissions of the login running the setup",
        ],
        fix: &[
            "create or alter the endpoint with certificate authentication (05-endpoint.sql), as sysadmin",
        ],
        rules: &["LR108"],
        keywords: &[],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
    LinkError {
        code: 47521,
        title: "the secondary could not be built from the primary",
        message: "Secondary replica could not be built as the replica request was not received from the primary, or not processed correctly",
        meaning: "the managed instance never got a usable request from SQL Server: an empty or unhealthy availability group, or the network",
        check: &[
            "the availability group on SQL Server holds the database and it is healthy",
            "the connection between the replicas",
        ],
        fix: &[
            "repair the availability group or database on SQL Server, check the network, create the link again",
        ],
        rules: &["LR206"],
        keywords: &["replica request was not received"],
        named_by_link_docs: true,
        sources: &[
            TROUBLESHOOT_INIT,
            "docs/relational-databases/errors-events/mssqlserver-47521-database-engine-error.md",
            ERRORS_41400_ROW,
        ],
    },
    LinkError {
        code: 47525,
        title: "accelerated database recovery keeps its version store outside PRIMARY",
        message: "A custom persistent version store filegroup is not supported for a linked database",
        meaning: "with accelerated database recovery on, the version store must be in the PRIMARY filegroup",
        check: &[
            "sys.databases.is_accelerated_database_recovery_on and the version store's filegroup",
        ],
        fix: &[
            "move the persistent version store to PRIMARY (ALTER DATABASE … SET ACCELERATED_DATABASE_RECOVERY = ON (PERSISTENT_VERSION_STORE_FILEGROUP = [PRIMARY]))",
        ],
        rules: &["LR216"],
        keywords: &[],
        named_by_link_docs: false,
        sources: &[ERRORS_41400_ROW],
    },
];

/// The troubleshooting page's section for initialization errors.
const TROUBLESHOOT_INIT: &str = "azure-sql/managed-instance/managed-instance-link-troubleshoot-how-to.md (Errors initializing a link)";
/// The SQL Server 2025 error table for 41400-49999.
const ERRORS_41400_ROW: &str = "docs/relational-databases/errors-events/includes/sql-server-2025-database-engine-events-and-errors-41400-49999.md";

/// The entry for a code.
pub fn link_error(code: u32) -> Option<&'static LinkError> {
    LINK_ERRORS.iter().find(|error| error.code == code)
}

/// The entries a text names: `Msg 41974, Level 16 …` (or `Error 41974`,
/// `error: 41974`), any catalogued number standing alone, else the
/// message's distinctive words. In the order found, each once.
pub fn explain_text(text: &str) -> Vec<&'static LinkError> {
    let mut found: Vec<&'static LinkError> = Vec::new();
    // Numbers standing alone (not inside a longer number or a word).
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index].is_ascii_digit()
            && (index == 0 || !bytes[index - 1].is_ascii_alphanumeric())
        {
            let start = index;
            while index < bytes.len() && bytes[index].is_ascii_digit() {
                index += 1;
            }
            let standalone = index == bytes.len() || !bytes[index].is_ascii_alphanumeric();
            if standalone
                && let Ok(code) = text[start..index].parse::<u32>()
                && let Some(error) = link_error(code)
                && !found.contains(&error)
            {
                found.push(error);
            }
        } else {
            index += 1;
        }
    }
    if found.is_empty() {
        let lower = text.to_lowercase();
        for error in LINK_ERRORS {
            if error.keywords.iter().any(|keyword| lower.contains(keyword)) {
                found.push(error);
            }
        }
    }
    found
}

/// The errors whose cause a rule finds before the link is created.
pub fn errors_prevented_by(rule_id: &str) -> Vec<&'static LinkError> {
    LINK_ERRORS
        .iter()
        .filter(|error| {
            error
                .rules
                .iter()
                .any(|id| id.eq_ignore_ascii_case(rule_id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_their_rules_exist() {
        for pair in LINK_ERRORS.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} then {}",
                pair[0].code,
                pair[1].code
            );
        }
        for error in LINK_ERRORS {
            for rule in error.rules {
                assert!(
                    crate::find_rule(rule).is_some(),
                    "{}: no rule {rule}",
                    error.code
                );
            }
            assert!(!error.sources.is_empty(), "{} has no source", error.code);
            for source in error.sources {
                assert!(
                    source.starts_with("azure-sql/") || source.starts_with("docs/"),
                    "{}: {source} is not a sql-docs path",
                    error.code
                );
            }
            for keyword in error.keywords {
                assert_eq!(*keyword, keyword.to_lowercase(), "{}", error.code);
            }
        }
    }

    #[test]
    fn pasted_messages_are_recognised() {
        let pasted =
            "Msg 41974, Level 16, State 1, Line 3\nThe link cannot be established because …";
        assert_eq!(explain_text(pasted)[0].code, 41974);
        // A number inside another (141974) or a word (x41974) is not it.
        assert!(explain_text("error 141974 and x41974").is_empty());
        let keyword = "Could not find stored procedure 'sys.sp_certificate_add_issuer'.";
        assert_eq!(explain_text(keyword)[0].code, 2812);
        assert_eq!(
            errors_prevented_by("LR213")
                .iter()
                .map(|e| e.code)
                .collect::<Vec<_>>(),
            [1408, 1412]
        );
    }
}
