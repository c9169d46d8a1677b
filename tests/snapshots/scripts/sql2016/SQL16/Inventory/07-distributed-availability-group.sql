-- linkready: link setup for N'Inventory' on N'SQL16' (SQL Server 2016 13.0.7000.253)
-- Step 11 of MI-LINK.md section 4: the distributed availability group that
-- joins AG_Inventory with AG_Inventory_MI on mi-prod. Its name is the link's name.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-inventory')
    CREATE AVAILABILITY GROUP [link-inventory]
        WITH (DISTRIBUTED)
        AVAILABILITY GROUP ON
            N'AG_Inventory' WITH (
                LISTENER_URL = N'TCP://SQL16:5022',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC,
                SESSION_TIMEOUT = 20
            ),
            N'AG_Inventory_MI' WITH (
                LISTENER_URL = N'tcp://mi-prod.abc123def456.database.windows.net:5022;Server=[mi-prod]',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC
            );
