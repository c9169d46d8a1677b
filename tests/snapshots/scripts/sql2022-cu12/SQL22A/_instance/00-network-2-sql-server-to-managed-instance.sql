-- linkready: network test kit for SQL22A and mi-prod.abc123def456.database.windows.net, part 2 of 5
-- (MicrosoftDocs/sql-docs azure-sql/managed-instance/managed-instance-link-preparation.md,
-- "Test connection from SQL Server to SQL Managed Instance").
-- Run on SQL Server as sysadmin, with the variables part 1 wrote, and keep
-- what it prints for linkready:
--   sqlcmd -S SQL22A -E -b -I -h -1 -W -r1 -i 00-network.setvar.sql,00-network-2-sql-server-to-managed-instance.sql -o network-sql-server-to-managed-instance.txt
--   linkready scan … --network-results network-sql-server-to-managed-instance.txt
-- A SQL Server Agent job tests TCP mi-prod.abc123def456.database.windows.net:5022 and the
-- managed instance's node on its HADR port (11000-11999) with PowerShell's
-- Test-NetConnection from this host; it is removed when done. Needs SQL
-- Server Agent running, on Windows (Agent cannot run PowerShell on Linux:
-- there, test by hand as the README.md of the bundle says, section Network test). Safe to run again.
SET NOCOUNT ON;
USE [msdb];

IF @@VERSION LIKE N'%on Linux%'
    THROW 50000, N'SQL Server Agent cannot run PowerShell on Linux: test the two ports by hand (the bundle''s README.md, Network test).', 1;
IF NOT EXISTS (SELECT 1 FROM sys.dm_server_services
               WHERE servicename LIKE N'SQL Server Agent%' AND status_desc = N'Running')
    THROW 50000, N'SQL Server Agent is not running: start it, then run this again.', 1;

DECLARE @job_name sysname = N'linkready network test (SQL Server to managed instance)';
DECLARE @job_id uniqueidentifier;
DECLARE @probe_mi nvarchar(4000) = N'Test-NetConnection -ComputerName ''mi-prod.abc123def456.database.windows.net'' -Port 5022 -InformationLevel Quiet';
DECLARE @probe_node nvarchar(4000) = N'Test-NetConnection -ComputerName ''$(ManagedInstanceNode)'' -Port $(ManagedInstanceHadrPort) -InformationLevel Quiet';

IF EXISTS (SELECT 1 FROM dbo.sysjobs WHERE name = @job_name)
    EXEC dbo.sp_delete_job @job_name = @job_name;

EXEC dbo.sp_add_job @job_name = @job_name, @enabled = 1, @job_id = @job_id OUTPUT,
    @description = N'linkready: TCP tests toward the managed instance (removed when done).';
-- Flags 40: the step's output to its log table (8) and to the job history (32).
EXEC dbo.sp_add_jobstep @job_id = @job_id, @step_id = 1, @step_name = N'5022',
    @subsystem = N'PowerShell', @command = @probe_mi, @database_name = N'master',
    @on_success_action = 3, @on_fail_action = 3, @flags = 40;
EXEC dbo.sp_add_jobstep @job_id = @job_id, @step_id = 2, @step_name = N'$(ManagedInstanceHadrPort)',
    @subsystem = N'PowerShell', @command = @probe_node, @database_name = N'master', @flags = 40;
EXEC dbo.sp_add_jobserver @job_id = @job_id, @server_name = N'(local)';
EXEC dbo.sp_start_job @job_id = @job_id;

-- Wait for the job to stop (at most two minutes).
DECLARE @started datetime2 = SYSUTCDATETIME();
WHILE NOT EXISTS (SELECT 1 FROM dbo.sysjobactivity
                  WHERE job_id = @job_id AND stop_execution_date IS NOT NULL)
      AND DATEDIFF(second, @started, SYSUTCDATETIME()) < 120
    WAITFOR DELAY '00:00:02';
-- Still running after the wait: stopped before it is removed (it may stop
-- on its own in between, which sp_stop_job reports as an error: ignored).
IF NOT EXISTS (SELECT 1 FROM dbo.sysjobactivity
               WHERE job_id = @job_id AND stop_execution_date IS NOT NULL)
BEGIN
    BEGIN TRY
        EXEC dbo.sp_stop_job @job_id = @job_id;
    END TRY
    BEGIN CATCH
        PRINT N'The test job stopped on its own.';
    END CATCH;
END;

-- One row per test for linkready: Test-NetConnection's True or False as a
-- word, from the step's log or else its history message, False first (a
-- name holding "true" never reads as open; empty: it did not finish).
SELECT N'network-test|' + N'SQL22A' + N'|sql-server-to-managed-instance|'
     + CASE s.step_id WHEN 1 THEN N'5022' ELSE N'$(ManagedInstanceHadrPort)' END + N'|'
     + CASE WHEN N' ' + COALESCE(l.log, h.message) + N' ' LIKE N'%[^A-Za-z]False[^A-Za-z]%' THEN N'False'
            WHEN N' ' + COALESCE(l.log, h.message) + N' ' LIKE N'%[^A-Za-z]True[^A-Za-z]%' THEN N'True' ELSE N'' END + N'|'
     + CASE s.step_id WHEN 1 THEN N'mi-prod.abc123def456.database.windows.net' ELSE N'$(ManagedInstanceNode)' END + N'|'
     + CONVERT(nvarchar(19), SYSUTCDATETIME(), 126)
FROM dbo.sysjobsteps AS s
LEFT JOIN dbo.sysjobstepslogs AS l ON l.step_uid = s.step_uid
OUTER APPLY (SELECT TOP (1) message FROM dbo.sysjobhistory
             WHERE job_id = s.job_id AND step_id = s.step_id ORDER BY instance_id DESC) AS h
WHERE s.job_id = @job_id
ORDER BY s.step_id;

EXEC dbo.sp_delete_job @job_id = @job_id;
