-- linkready: multiple-database link (PREVIEW) on SQL22M (SQL Server 2022 16.0.4295.3)
-- Turns the multiple-database link mode on (MicrosoftDocs/sql-docs
-- azure-sql/managed-instance/managed-instance-link-extend-availability-group.md,
-- "Enable multiple-database link mode"): sys.sp_multidb_milink 1, once per
-- replica (it survives restarts). Run on SQL Server as sysadmin. Safe to run
-- again until the link exists; after that it stops, since the mode must not
-- change while a link exists.
--   sqlcmd -S SQL22M -E -b -I -i 01-enable-multiple-database-mode.sql
USE [master];

-- The procedure exists from SQL Server 2022 CU27 and 2025 CU9.
IF NOT EXISTS (SELECT 1 FROM sys.all_objects
               WHERE name = N'sp_multidb_milink' AND schema_id = SCHEMA_ID(N'sys'))
    THROW 50000, N'sys.sp_multidb_milink does not exist: the multiple-database link mode needs SQL Server 2022 CU27 or 2025 CU9 (or later) on every replica.', 1;

-- Single-database and multiple-database links never coexist on one
-- instance, and the setting must not change while a link exists.
IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE is_distributed = 1)
    THROW 50000, N'A distributed availability group (a link) exists on this instance: remove the existing links before changing the link mode.', 1;

EXEC sys.sp_multidb_milink 1;

-- Without an argument it reports the setting: 1 is on.
EXEC sys.sp_multidb_milink;
