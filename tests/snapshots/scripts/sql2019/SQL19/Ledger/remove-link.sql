-- linkready: link setup for N'Ledger' on N'SQL19' (SQL Server 2019 15.0.4312.2)
-- Removal, step 4 of MI-LINK.md section 5: run after remove-link.ps1.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-ledger')
    DROP AVAILABILITY GROUP [link-ledger];

-- The availability group existed only for the link. Where SQL Server was
-- the secondary (after a failover), dropping it leaves the database
-- RESTORING: recover it (RESTORE DATABASE ... WITH RECOVERY) or drop it.
IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_Ledger')
    DROP AVAILABILITY GROUP [AG_Ledger];
