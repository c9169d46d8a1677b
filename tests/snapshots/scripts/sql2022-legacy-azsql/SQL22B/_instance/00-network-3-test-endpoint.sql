-- linkready: network test kit for SQL22B and mi-prod.abc123def456.database.windows.net, part 3 of 5
-- (MicrosoftDocs/sql-docs azure-sql/managed-instance/managed-instance-link-preparation.md,
-- "Test connection from SQL Managed Instance to SQL Server").
-- Run on SQL Server as sysadmin, before part 4: something must listen on
-- port 5022 for the managed instance to reach. When the instance has a
-- database mirroring endpoint (one per instance), that one answers and this
-- creates nothing; otherwise a test certificate and endpoint, both named
-- linkready_network_test, that part 5 drops. Safe to run again.
--   sqlcmd -S SQL22B -E -b -I -i 00-network-3-test-endpoint.sql
USE [master];

IF EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints WHERE name <> N'linkready_network_test')
BEGIN
    -- It answers only if it is started on the port the link uses.
    IF NOT EXISTS (SELECT 1 FROM sys.tcp_endpoints
                   WHERE type_desc = N'DATABASE_MIRRORING' AND state_desc = N'STARTED' AND port = 5022)
        THROW 50000, N'The database mirroring endpoint is not started on port 5022: 05-endpoint.sql starts it (or generate the scripts again if its port changed).', 1;
    SELECT N'The existing endpoint answers the test: ' + name + N' (' + state_desc + N')' AS endpoint
    FROM sys.database_mirroring_endpoints;
    RETURN;
END;

-- The test certificate's private key is protected by the master key, as
-- an endpoint's must be: 02-master-key-and-certificate.sql creates it.
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE symmetric_key_id = 101)
    THROW 50000, N'master has no database master key: run ../_instance/02-master-key-and-certificate.sql first (it creates one only when absent).', 1;

IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'linkready_network_test')
    CREATE CERTIFICATE [linkready_network_test]
        WITH SUBJECT = N'linkready network test (drop with 00-network-5-cleanup.sql)',
        EXPIRY_DATE = '20991231';

IF NOT EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints WHERE name = N'linkready_network_test')
    CREATE ENDPOINT [linkready_network_test]
        STATE = STARTED
        AS TCP (LISTENER_PORT = 5022, LISTENER_IP = ALL)
        FOR DATABASE_MIRRORING (
            ROLE = ALL,
            AUTHENTICATION = CERTIFICATE [linkready_network_test],
            ENCRYPTION = REQUIRED ALGORITHM AES
        );

SELECT name, state_desc FROM sys.database_mirroring_endpoints;
