-- linkready: link setup for N'a]b''c "$;x ünï' on N'SQL22\SALES' (SQL Server 2022 16.0.4125.3)
-- Step 11 of MI-LINK.md section 4: the distributed availability group that
-- joins AG_a_b_c____x__n__04047807 with AG_a_b_c____x__n__04047807_MI on mi-prod. Its name is the link's name.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-a-b-c-x-n-04047807')
    CREATE AVAILABILITY GROUP [link-a-b-c-x-n-04047807]
        WITH (DISTRIBUTED)
        AVAILABILITY GROUP ON
            N'AG_a_b_c____x__n__04047807' WITH (
                LISTENER_URL = N'TCP://SQL22:5023',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC,
                SESSION_TIMEOUT = 20
            ),
            N'AG_a_b_c____x__n__04047807_MI' WITH (
                LISTENER_URL = N'tcp://mi-prod.abc123def456.database.windows.net:5022;Server=[mi-prod]',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC
            );
