-- linkready: link setup for N'Ledger25' on N'SQL25' (SQL Server 2025 17.0.1000.7)
-- Step 11 of MI-LINK.md section 4: the distributed availability group that
-- joins AG_Ledger25 with AG_Ledger25_MI on mi-prod. Its name is the link's name.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-ledger25')
    CREATE AVAILABILITY GROUP [link-ledger25]
        WITH (DISTRIBUTED)
        AVAILABILITY GROUP ON
            N'AG_Ledger25' WITH (
                LISTENER_URL = N'TCP://SQL25:5022',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC,
                SESSION_TIMEOUT = 20
            ),
            N'AG_Ledger25_MI' WITH (
                LISTENER_URL = N'tcp://mi-prod.abc123def456.database.windows.net:5022;Server=[mi-prod]',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC
            );
