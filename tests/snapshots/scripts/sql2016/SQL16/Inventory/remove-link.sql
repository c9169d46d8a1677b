-- linkready: link setup for N'Inventory' on N'SQL16' (SQL Server 2016 13.0.7000.253)
-- Removal, step 4 of MI-LINK.md section 5: run after remove-link.ps1.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-inventory')
    DROP AVAILABILITY GROUP [link-inventory];

-- The availability group existed only for the link. Where SQL Server was
-- the secondary (after a failover), dropping it leaves the database
-- RESTORING: recover it (RESTORE DATABASE ... WITH RECOVERY) or drop it.
IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_Inventory')
    DROP AVAILABILITY GROUP [AG_Inventory];
