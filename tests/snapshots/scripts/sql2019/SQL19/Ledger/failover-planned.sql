-- linkready: link setup for N'Ledger' on N'SQL19' (SQL Server 2019 15.0.4312.2)
-- Planned failover to mi-prod, steps 1-3 of MI-LINK.md section 5.
-- Stop the workload on the database first. Run on SQL Server as sysadmin.
-- This link is one-way: after the failover, run remove-link.ps1 and
-- remove-link.sql; the database cannot come back through the link.
USE [master];

-- 1. Synchronous commit on both sides of the link.
ALTER AVAILABILITY GROUP [DAG_Ledger]
    MODIFY AVAILABILITY GROUP ON
        N'AG_Ledger' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT),
        N'AG_Ledger_MI' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT);

-- 2. Wait (up to 10 minutes) until both replicas have hardened the same log.
DECLARE @deadline datetime2 = DATEADD(MINUTE, 10, SYSDATETIME());
DECLARE @replicas int, @distinct_lsns int;
WHILE 1 = 1
BEGIN
    SELECT @replicas = COUNT(*), @distinct_lsns = COUNT(DISTINCT drs.last_hardened_lsn)
    FROM sys.dm_hadr_database_replica_states AS drs
    JOIN sys.availability_groups AS ag ON ag.group_id = drs.group_id
    WHERE ag.name = N'DAG_Ledger';
    IF @replicas >= 2 AND @distinct_lsns = 1
        BREAK;
    IF SYSDATETIME() > @deadline
        THROW 50000, N'The replicas did not reach the same last_hardened_lsn in 10 minutes: is the workload stopped?', 1;
    WAITFOR DELAY '00:00:05';
END;

-- 3. SQL Server 2019 15.0.4312.2 cannot fail the link over with T-SQL
-- (that needs SQL Server 2022 CU13): now run failover-planned.ps1.
PRINT N'Both replicas are in step: run failover-planned.ps1 now.';
