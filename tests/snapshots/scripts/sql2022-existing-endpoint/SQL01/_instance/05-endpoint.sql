-- linkready: link setup on N'SQL01' (SQL Server 2022 16.0.4125.3): an instance step,
-- run once for every database linked from this instance (safe to run again).
-- Step 9 of MI-LINK.md section 4: the database mirroring endpoint.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

-- The server has this endpoint (port 5022; it authenticates with Windows or certificate Cert_SQL01_endpoint):
-- keep it and its port, keep Windows authentication for availability groups
-- that use it, and add the certificate the managed instance trusts.
IF NOT EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints WHERE name = N'Hadr_endpoint')
    THROW 50000, N'The endpoint this file alters is gone; generate the scripts again from a fresh assessment.', 1;

ALTER ENDPOINT [Hadr_endpoint]
    STATE = STARTED
    FOR DATABASE_MIRRORING (
        ROLE = ALL,
        AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE [Cert_SQL01_endpoint],
        ENCRYPTION = REQUIRED ALGORITHM AES
    );

SELECT name, state_desc, role_desc, connection_auth_desc, encryption_algorithm_desc
FROM sys.database_mirroring_endpoints;
