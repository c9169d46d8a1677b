-- linkready: link setup for N'Inventory' on N'SQL16' (SQL Server 2016 13.0.7000.253)
-- Step 10 of MI-LINK.md section 4: the availability group on SQL Server.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF SERVERPROPERTY('IsHadrEnabled') <> 1
    THROW 50000, N'Always On availability groups are not enabled: enable them and restart the service (see README.md).', 1;

-- SQL Server 2016 runs availability groups as NT AUTHORITY\SYSTEM on a
-- Windows Server failover cluster, and its CREATE AVAILABILITY GROUP takes
-- no cluster type.
GRANT ALTER ANY AVAILABILITY GROUP TO [NT AUTHORITY\SYSTEM];
GRANT CONNECT SQL TO [NT AUTHORITY\SYSTEM];
GRANT VIEW SERVER STATE TO [NT AUTHORITY\SYSTEM];

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_Inventory')
    CREATE AVAILABILITY GROUP [AG_Inventory]
        FOR DATABASE [Inventory]
        REPLICA ON N'SQL16' WITH (
            ENDPOINT_URL = N'TCP://SQL16:5022',
            AVAILABILITY_MODE = SYNCHRONOUS_COMMIT,
            FAILOVER_MODE = MANUAL,
            SEEDING_MODE = AUTOMATIC
        );
