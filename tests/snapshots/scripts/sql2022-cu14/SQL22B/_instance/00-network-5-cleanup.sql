-- linkready: network test kit for SQL22B and mi-prod.abc123def456.database.windows.net, part 5 of 5.
-- Run on SQL Server as sysadmin when the tests are done: drops the test
-- endpoint and certificate part 3 created (named linkready_network_test)
-- and a test job an interrupted part 2 left behind; nothing else (parts 2
-- and 4 remove their jobs themselves). Safe to run again.
--   sqlcmd -S SQL22B -E -b -I -i 00-network-5-cleanup.sql
USE [master];

IF EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints WHERE name = N'linkready_network_test')
    DROP ENDPOINT [linkready_network_test];
IF EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'linkready_network_test')
    DROP CERTIFICATE [linkready_network_test];
IF EXISTS (SELECT 1 FROM msdb.dbo.sysjobs WHERE name = N'linkready network test (SQL Server to managed instance)')
    EXEC msdb.dbo.sp_delete_job @job_name = N'linkready network test (SQL Server to managed instance)';
