-- linkready: link setup for N'Claims' on N'SQL22B' (SQL Server 2022 16.0.4135.4)
-- Removal, step 4 of MI-LINK.md section 5: run after remove-link.ps1.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-claims')
    DROP AVAILABILITY GROUP [link-claims];

-- The availability group existed only for the link. Where SQL Server was
-- the secondary (after a failover), dropping it leaves the database
-- RESTORING: recover it (RESTORE DATABASE ... WITH RECOVERY) or drop it.
IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_Claims')
    DROP AVAILABILITY GROUP [AG_Claims];
