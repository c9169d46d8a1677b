-- linkready: multiple-database link (PREVIEW) on SQL22M (SQL Server 2022 16.0.4295.3)
-- The availability group whose databases the link carries, all of them
-- (managed-instance-link-extend-availability-group.md, "Prepare for scripted
-- link creation": the single-node group of the scripts page with every
-- database in FOR DATABASE). Run on SQL Server as sysadmin after 02. Safe to
-- run again: an existing group is checked, not created again.
--   sqlcmd -S SQL22M -E -b -I -i 06-availability-group.sql
USE [master];

IF SERVERPROPERTY('IsHadrEnabled') <> 1
    THROW 50000, N'Always On availability groups are not enabled: enable them and restart the service (see README.md).', 1;

IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_SQL22M_LINK')
    CREATE AVAILABILITY GROUP [AG_SQL22M_LINK] WITH (CLUSTER_TYPE = NONE)
        FOR DATABASE [Claims], [Policies]
        REPLICA ON N'SQL22M' WITH (
            ENDPOINT_URL = N'TCP://SQL22M:5022',
            AVAILABILITY_MODE = SYNCHRONOUS_COMMIT,
            FAILOVER_MODE = MANUAL,
            SEEDING_MODE = AUTOMATIC
        );

-- Every database of the group goes over the link: they must all be here.
SELECT adc.database_name
FROM sys.availability_databases_cluster AS adc
JOIN sys.availability_groups AS ag ON ag.group_id = adc.group_id
WHERE ag.name = N'AG_SQL22M_LINK';
