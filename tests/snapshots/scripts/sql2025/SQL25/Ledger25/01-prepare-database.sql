-- linkready: link setup for N'Ledger25' on N'SQL25' (SQL Server 2025 17.0.1000.7)
-- Step 1 of MI-LINK.md section 4: full recovery and a full backup, so the
-- availability group can seed the database (error 1475 otherwise).
-- Run on SQL Server as sysadmin. Safe to run again: each change is made only when needed.
USE [master];

IF DB_ID(N'Ledger25') IS NULL
    THROW 50000, N'Database not found on this server; run this file on the server it was generated for.', 1;

IF (SELECT recovery_model_desc FROM sys.databases WHERE name = N'Ledger25') <> N'FULL'
    ALTER DATABASE [Ledger25] SET RECOVERY FULL;

-- A full backup that is not COPY_ONLY starts the log chain; until one is
-- taken after switching to FULL, last_log_backup_lsn stays NULL.
IF (SELECT last_log_backup_lsn FROM sys.database_recovery_status WHERE database_id = DB_ID(N'Ledger25')) IS NULL
    BACKUP DATABASE [Ledger25] TO DISK = N'Ledger25_link_full.bak' WITH CHECKSUM, INIT, STATS = 10;
