-- linkready: link setup for N'Billing' on N'SQL01' (SQL Server 2022 16.0.4125.3)
-- Removal, step 4 of MI-LINK.md section 5: run after remove-link.ps1.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-billing')
    DROP AVAILABILITY GROUP [link-billing];

-- The availability group existed only for the link. Where SQL Server was
-- the secondary (after a failover), dropping it leaves the database
-- RESTORING: recover it (RESTORE DATABASE ... WITH RECOVERY) or drop it.
IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_Billing')
    DROP AVAILABILITY GROUP [AG_Billing];
