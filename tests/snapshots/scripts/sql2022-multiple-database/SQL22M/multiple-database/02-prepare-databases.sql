-- linkready: link setup for N'Claims' on N'SQL22M' (SQL Server 2022 16.0.4295.3)
-- Step 1 of MI-LINK.md section 4: full recovery and a full backup, so the
-- availability group can seed the database (error 1475 otherwise).
-- Run on SQL Server as sysadmin. Safe to run again: each change is made only when needed.
USE [master];

IF DB_ID(N'Claims') IS NULL
    THROW 50000, N'Database not found on this server; run this file on the server it was generated for.', 1;

IF (SELECT recovery_model_desc FROM sys.databases WHERE name = N'Claims') <> N'FULL'
    ALTER DATABASE [Claims] SET RECOVERY FULL;

-- A full backup that is not COPY_ONLY starts the log chain; until one is
-- taken after switching to FULL, last_log_backup_lsn stays NULL.
IF (SELECT last_log_backup_lsn FROM sys.database_recovery_status WHERE database_id = DB_ID(N'Claims')) IS NULL
    BACKUP DATABASE [Claims] TO DISK = N'Claims_link_full.bak' WITH CHECKSUM, INIT, STATS = 10;

GO

-- linkready: link setup for N'Policies' on N'SQL22M' (SQL Server 2022 16.0.4295.3)
-- Step 1 of MI-LINK.md section 4: full recovery and a full backup, so the
-- availability group can seed the database (error 1475 otherwise).
-- Run on SQL Server as sysadmin. Safe to run again: each change is made only when needed.
USE [master];

IF DB_ID(N'Policies') IS NULL
    THROW 50000, N'Database not found on this server; run this file on the server it was generated for.', 1;

IF (SELECT recovery_model_desc FROM sys.databases WHERE name = N'Policies') <> N'FULL'
    ALTER DATABASE [Policies] SET RECOVERY FULL;

-- A full backup that is not COPY_ONLY starts the log chain; until one is
-- taken after switching to FULL, last_log_backup_lsn stays NULL.
IF (SELECT last_log_backup_lsn FROM sys.database_recovery_status WHERE database_id = DB_ID(N'Policies')) IS NULL
    BACKUP DATABASE [Policies] TO DISK = N'Policies_link_full.bak' WITH CHECKSUM, INIT, STATS = 10;
