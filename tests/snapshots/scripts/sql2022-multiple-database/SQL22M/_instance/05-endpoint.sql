-- linkready: link setup on N'SQL22M' (SQL Server 2022 16.0.4295.3): an instance step,
-- run once for every database linked from this instance (safe to run again).
-- Step 9 of MI-LINK.md section 4: the database mirroring endpoint.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints WHERE name <> N'database_mirroring_endpoint')
    THROW 50000, N'Another database mirroring endpoint exists now (one per instance): generate the scripts again so they alter it.', 1;

IF NOT EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints WHERE name = N'database_mirroring_endpoint')
    CREATE ENDPOINT [database_mirroring_endpoint]
        STATE = STARTED
        AS TCP (LISTENER_PORT = 5022, LISTENER_IP = ALL)
        FOR DATABASE_MIRRORING (
            ROLE = ALL,
            AUTHENTICATION = CERTIFICATE [Cert_SQL22M_endpoint],
            ENCRYPTION = REQUIRED ALGORITHM AES
        );

SELECT name, state_desc, role_desc, connection_auth_desc, encryption_algorithm_desc
FROM sys.database_mirroring_endpoints;
