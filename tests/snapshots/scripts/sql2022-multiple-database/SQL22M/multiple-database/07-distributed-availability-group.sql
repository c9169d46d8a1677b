-- linkready: multiple-database link (PREVIEW) on SQL22M (SQL Server 2022 16.0.4295.3)
-- The distributed availability group joining AG_SQL22M_LINK with AG_SQL22M_LINK_MI on
-- mi-prod; its name is the link's (databases-of-sql-m-iilliedg: lowercase letters and hyphens,
-- managed-instance-link-extend-availability-group.md, "Limitations"). The
-- SQL Server side's URL is this instance's endpoint (a single-node group; a
-- multi-node group would name its listener's address and the endpoint port).
-- Run on SQL Server as sysadmin. Safe to run again.
--   sqlcmd -S SQL22M -E -b -I -i 07-distributed-availability-group.sql
USE [master];

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'databases-of-sql-m-iilliedg')
    CREATE AVAILABILITY GROUP [databases-of-sql-m-iilliedg]
        WITH (DISTRIBUTED)
        AVAILABILITY GROUP ON
            N'AG_SQL22M_LINK' WITH (
                LISTENER_URL = N'TCP://SQL22M:5022',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC,
                SESSION_TIMEOUT = 20
            ),
            N'AG_SQL22M_LINK_MI' WITH (
                LISTENER_URL = N'tcp://mi-prod.abc123def456.database.windows.net:5022;Server=[mi-prod]',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC
            );

SELECT name, is_distributed FROM sys.availability_groups
WHERE name IN (N'AG_SQL22M_LINK', N'databases-of-sql-m-iilliedg');
