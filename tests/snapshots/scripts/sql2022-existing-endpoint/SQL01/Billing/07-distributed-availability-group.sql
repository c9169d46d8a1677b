-- linkready: link setup for N'Billing' on N'SQL01' (SQL Server 2022 16.0.4125.3)
-- Step 11 of MI-LINK.md section 4: the distributed availability group that
-- joins AG_Billing with AG_Billing_MI on mi-prod. Its name is the link's name.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-billing')
    CREATE AVAILABILITY GROUP [link-billing]
        WITH (DISTRIBUTED)
        AVAILABILITY GROUP ON
            N'AG_Billing' WITH (
                LISTENER_URL = N'TCP://SQL01:5022',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC,
                SESSION_TIMEOUT = 20
            ),
            N'AG_Billing_MI' WITH (
                LISTENER_URL = N'tcp://mi-prod.abc123def456.database.windows.net:5022;Server=[mi-prod]',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC
            );
