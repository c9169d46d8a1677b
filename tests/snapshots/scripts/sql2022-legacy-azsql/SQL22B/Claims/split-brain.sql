-- linkready: link setup for N'Claims' on N'SQL22B' (SQL Server 2022 16.0.4135.4)
-- After a forced failover, when SQL Server comes back it may still think it
-- is the primary: both sides primary is a split brain (MI-LINK.md section 5,
-- step 5; managed-instance-link-failover-how-to.md, "split-brain"). Run on
-- SQL Server as sysadmin BEFORE the applications reconnect to it.
--   sqlcmd -S SQL22B -E -b -I -i split-brain.sql
USE [master];
SET NOCOUNT ON;
IF NOT EXISTS (
    SELECT 1
    FROM sys.dm_hadr_availability_replica_states AS rs
    JOIN sys.availability_groups AS ag ON ag.group_id = rs.group_id
    WHERE ag.name = N'link-claims' AND rs.is_local = 1 AND rs.role_desc = N'PRIMARY')
BEGIN
    PRINT N'SQL Server is not primary for this link: no split brain here.';
    RETURN;
END;
-- 1. Keep what only SQL Server has: a tail-log backup of the database.
--    Take it now (BACKUP LOG ... WITH NORECOVERY is not needed: the role
--    change below stops writes). This file refuses to go on without one
--    from the last hour.
IF NOT EXISTS (
    SELECT 1 FROM msdb.dbo.backupset AS bs
    WHERE bs.database_name = N'Claims' AND bs.type = 'L'
      AND bs.backup_finish_date > DATEADD(HOUR, -1, GETDATE()))
    THROW 50000, N'Take a log backup of the database first (it keeps the transactions the managed instance did not receive), then run this again.', 1;
-- 2. SQL Server becomes the secondary of the link again.
ALTER AVAILABILITY GROUP [link-claims] SET (ROLE = SECONDARY);
PRINT N'SQL Server is the secondary again: check 09-verify.sql until the link is SYNCHRONIZING; failback-planned.sql moves the primary back when you choose.';
