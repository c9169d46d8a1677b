-- linkready: link setup for N'Claims' on N'SQL22A' (SQL Server 2022 16.0.4115.5)
-- Step 10 of MI-LINK.md section 4: the availability group on SQL Server.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF SERVERPROPERTY('IsHadrEnabled') <> 1
    THROW 50000, N'Always On availability groups are not enabled: enable them and restart the service (see README.md).', 1;

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_Claims')
    CREATE AVAILABILITY GROUP [AG_Claims] WITH (CLUSTER_TYPE = NONE)
        FOR DATABASE [Claims]
        REPLICA ON N'SQL22A' WITH (
            ENDPOINT_URL = N'TCP://SQL22A:5022',
            AVAILABILITY_MODE = SYNCHRONOUS_COMMIT,
            FAILOVER_MODE = MANUAL,
            SEEDING_MODE = AUTOMATIC
        );
