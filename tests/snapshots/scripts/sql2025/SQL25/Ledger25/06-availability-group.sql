-- linkready: link setup for N'Ledger25' on N'SQL25' (SQL Server 2025 17.0.1000.7)
-- Step 10 of MI-LINK.md section 4: the availability group on SQL Server.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF SERVERPROPERTY('IsHadrEnabled') <> 1
    THROW 50000, N'Always On availability groups are not enabled: enable them and restart the service (see README.md).', 1;

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_Ledger25')
    CREATE AVAILABILITY GROUP [AG_Ledger25] WITH (CLUSTER_TYPE = NONE)
        FOR DATABASE [Ledger25]
        REPLICA ON N'SQL25' WITH (
            ENDPOINT_URL = N'TCP://SQL25:5022',
            AVAILABILITY_MODE = SYNCHRONOUS_COMMIT,
            FAILOVER_MODE = MANUAL,
            SEEDING_MODE = AUTOMATIC
        );
