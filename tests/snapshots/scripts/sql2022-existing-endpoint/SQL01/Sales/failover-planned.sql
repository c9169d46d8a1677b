-- linkready: link setup for N'Sales' on N'SQL01' (SQL Server 2022 16.0.4125.3)
-- Planned failover to mi-prod, steps 1-3 of MI-LINK.md section 5.
-- Stop the workload on the database first. Run on SQL Server as sysadmin.
USE [master];

-- 1. Synchronous commit on both sides of the link.
ALTER AVAILABILITY GROUP [DAG_Sales]
    MODIFY AVAILABILITY GROUP ON
        N'AG_Sales' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT),
        N'AG_Sales_MI' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT);

-- 2. Wait (up to 10 minutes) until both replicas have hardened the same log.
DECLARE @deadline datetime2 = DATEADD(MINUTE, 10, SYSDATETIME());
DECLARE @replicas int, @distinct_lsns int;
WHILE 1 = 1
BEGIN
    SELECT @replicas = COUNT(*), @distinct_lsns = COUNT(DISTINCT drs.last_hardened_lsn)
    FROM sys.dm_hadr_database_replica_states AS drs
    JOIN sys.availability_groups AS ag ON ag.group_id = drs.group_id
    WHERE ag.name = N'DAG_Sales';
    IF @replicas >= 2 AND @distinct_lsns = 1
        BREAK;
    IF SYSDATETIME() > @deadline
        THROW 50000, N'The replicas did not reach the same last_hardened_lsn in 10 minutes: is the workload stopped?', 1;
    WAITFOR DELAY '00:00:05';
END;

-- 3. Fail over (T-SQL failover: SQL Server 2022 CU13 and later).
ALTER AVAILABILITY GROUP [DAG_Sales] FAILOVER;
