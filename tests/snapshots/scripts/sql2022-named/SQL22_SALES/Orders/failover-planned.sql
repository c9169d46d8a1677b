-- linkready: link setup for N'Orders' on N'SQL22\SALES' (SQL Server 2022 16.0.4125.3)
-- Planned failover to mi-prod that keeps the link (MI-LINK.md section 5,
-- steps 1-3; managed-instance-link-failover-how-to.md, "Fail over with T-SQL",
-- SQL Server 2022 CU13 and later). Afterwards the managed instance is the
-- primary; failback-planned.sql or failback-planned.ps1 brings the database back.
-- Stop the workload on the database first. Run on SQL Server as sysadmin:
--   sqlcmd -S SQL22\SALES -E -b -I -i failover-planned.sql
USE [master];
SET NOCOUNT ON;

-- 0. SQL Server must be the primary of the link: if it is not, the database
-- already failed over, and running this again would fail it back.
IF NOT EXISTS (
    SELECT 1
    FROM sys.dm_hadr_availability_replica_states AS rs
    JOIN sys.availability_groups AS ag ON ag.group_id = rs.group_id
    WHERE ag.name = N'link-orders' AND rs.is_local = 1 AND rs.role_desc = N'PRIMARY')
    THROW 50000, N'SQL Server is not the primary of this link (or the link does not exist): nothing to fail over from here.', 1;

-- 1. Synchronous commit on both sides of the link (the second name is the
-- managed instance's side of the distributed availability group).
ALTER AVAILABILITY GROUP [link-orders]
    MODIFY AVAILABILITY GROUP ON
        N'AG_Orders' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT),
        N'AG_Orders_MI' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT);

-- 2. Wait (up to 10 minutes) until every replica of the link has hardened
-- the same log, is SYNCHRONIZED, and stays so for three checks 10 seconds
-- apart. A NULL LSN or a missing replica is "not yet", never "equal"
-- (sys.dm_hadr_database_replica_states: last_hardened_lsn is NULL on an
-- asynchronous-commit primary). On timeout, back to asynchronous commit.
DECLARE @deadline datetime2 = DATEADD(MINUTE, 10, SYSDATETIME());
DECLARE @replicas int, @hardened int, @synchronized int, @lowest numeric(25, 0), @highest numeric(25, 0);
DECLARE @stable_lsn numeric(25, 0) = NULL, @stable_checks int = 0;
WHILE @stable_checks < 3
BEGIN
    SELECT @replicas = COUNT(*),
           @hardened = COUNT(drs.last_hardened_lsn),
           @synchronized = SUM(CASE WHEN drs.synchronization_state_desc = N'SYNCHRONIZED' THEN 1 ELSE 0 END),
           @lowest = MIN(drs.last_hardened_lsn),
           @highest = MAX(drs.last_hardened_lsn)
    FROM sys.dm_hadr_database_replica_states AS drs
    JOIN sys.availability_groups AS ag ON ag.group_id = drs.group_id
    WHERE ag.name = N'link-orders' AND drs.database_id = DB_ID(N'Orders');
    IF @replicas >= 2 AND @hardened = @replicas AND @synchronized = @replicas AND @lowest = @highest
    BEGIN
        IF @stable_lsn = @lowest
            SET @stable_checks += 1;
        ELSE
            SELECT @stable_lsn = @lowest, @stable_checks = 1;
    END
    ELSE
        SELECT @stable_lsn = NULL, @stable_checks = 0;
    IF @stable_checks < 3 AND SYSDATETIME() > @deadline
    BEGIN
        ALTER AVAILABILITY GROUP [link-orders]
            MODIFY AVAILABILITY GROUP ON
                N'AG_Orders' WITH (AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT),
                N'AG_Orders_MI' WITH (AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT);
        THROW 50000, N'The replicas did not hold the same hardened log for 30 seconds within 10 minutes: the link is back to asynchronous commit. Is the workload stopped? See 09-verify.sql.', 1;
    END;
    IF @stable_checks < 3
        WAITFOR DELAY '00:00:10';
END;
PRINT N'Both sides hold the same log: last_hardened_lsn ' + CAST(@stable_lsn AS nvarchar(40)) + N'.';

-- 3. Fail over on the primary (this server): the managed instance becomes
-- the primary, the link stays.
ALTER AVAILABILITY GROUP [link-orders] FAILOVER;
PRINT N'Failed over: the managed instance is the primary. Point the applications at it.';
