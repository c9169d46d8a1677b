-- linkready: network test kit for SQL22\SALES and mi-prod.abc123def456.database.windows.net, part 4 of 5
-- (MicrosoftDocs/sql-docs azure-sql/managed-instance/managed-instance-link-preparation.md,
-- "Test connection from SQL Managed Instance to SQL Server").
-- Run on the managed instance after part 3, and keep what it prints:
--   sqlcmd -S mi-prod.abc123def456.database.windows.net -G -b -h -1 -W -r1 -i 00-network-4-managed-instance-to-sql-server.sql -o network-managed-instance-to-sql-server.txt
--   linkready scan … --network-results network-managed-instance-to-sql-server.txt
-- A SQL Agent job on the managed instance tests TCP SQL22:5023 (the
-- address the link will use) with Test-NetConnection; it is removed when
-- done. Safe to run again.
SET NOCOUNT ON;
USE [msdb];

DECLARE @job_name sysname = N'linkready network test (managed instance to SQL Server)';
DECLARE @job_id uniqueidentifier;
DECLARE @probe nvarchar(4000) = N'Test-NetConnection -ComputerName ''SQL22'' -Port 5023 -InformationLevel Quiet';

IF EXISTS (SELECT 1 FROM dbo.sysjobs WHERE name = @job_name)
    EXEC dbo.sp_delete_job @job_name = @job_name;

-- Owned by sa, as the preparation page's own test job is: a login that
-- reaches the managed instance only through a Microsoft Entra group cannot
-- own or run Agent jobs there.
EXEC dbo.sp_add_job @job_name = @job_name, @enabled = 1, @job_id = @job_id OUTPUT,
    @owner_login_name = N'sa',
    @description = N'linkready: TCP test toward SQL Server (removed when done).';
-- Flags 40: the step's output to its log table (8) and to the job history (32).
EXEC dbo.sp_add_jobstep @job_id = @job_id, @step_id = 1, @step_name = N'5023',
    @subsystem = N'PowerShell', @command = @probe, @database_name = N'master', @flags = 40;
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

-- One row for linkready: Test-NetConnection's True or False as a word,
-- from the step's log or else its history message, False first (a name
-- holding "true" never reads as open; empty: it did not finish).
SELECT N'network-test|' + N'SQL22\SALES' + N'|managed-instance-to-sql-server|5023|'
     + CASE WHEN N' ' + COALESCE(l.log, h.message) + N' ' LIKE N'%[^A-Za-z]False[^A-Za-z]%' THEN N'False'
            WHEN N' ' + COALESCE(l.log, h.message) + N' ' LIKE N'%[^A-Za-z]True[^A-Za-z]%' THEN N'True' ELSE N'' END + N'|'
     + N'SQL22' + N'|'
     + CONVERT(nvarchar(19), SYSUTCDATETIME(), 126)
FROM dbo.sysjobsteps AS s
LEFT JOIN dbo.sysjobstepslogs AS l ON l.step_uid = s.step_uid
OUTER APPLY (SELECT TOP (1) message FROM dbo.sysjobhistory
             WHERE job_id = s.job_id AND step_id = s.step_id ORDER BY instance_id DESC) AS h
WHERE s.job_id = @job_id;

EXEC dbo.sp_delete_job @job_id = @job_id;
