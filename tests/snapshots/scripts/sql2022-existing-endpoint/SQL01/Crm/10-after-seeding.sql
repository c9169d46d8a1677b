-- linkready: link setup for N'Crm' on N'SQL01' (SQL Server 2022 16.0.4125.3)
-- Step 14 of MI-LINK.md section 4: once seeding is done, take the first log
-- backup and resume regular log backups (taking them during seeding
-- truncates the log and breaks the link: errors 1408/1412).
-- Run on SQL Server as sysadmin.
USE [master];

IF NOT EXISTS (
    SELECT 1
    FROM sys.dm_hadr_database_replica_states AS drs
    JOIN sys.availability_groups AS ag ON ag.group_id = drs.group_id
    WHERE ag.name = N'link-crm' AND drs.is_local = 0
        AND drs.synchronization_state_desc IN (N'SYNCHRONIZING', N'SYNCHRONIZED'))
    THROW 50000, N'The managed instance is not synchronizing yet: seeding is still running or failed (see 09-verify.sql).', 1;

BACKUP LOG [Crm] TO DISK = N'Crm_link_log.trn' WITH CHECKSUM, INIT;
