-- linkready: link setup for N'Claims' on N'SQL22B' (SQL Server 2022 16.0.4135.4)
-- Planned failback from mi-prod to SQL Server, keeping the link
-- (MI-LINK.md section 5, step 3: FAILOVER runs on the primary, here the
-- managed instance; no switch to synchronous commit is needed toward SQL
-- Server 2022 and later). Stop the workload on the managed instance first.
-- Run on the MANAGED INSTANCE (mi-prod.abc123def456.database.windows.net).
SET NOCOUNT ON;
IF NOT EXISTS (
    SELECT 1
    FROM sys.dm_hadr_availability_replica_states AS rs
    JOIN sys.availability_groups AS ag ON ag.group_id = rs.group_id
    WHERE ag.name = N'link-claims' AND rs.is_local = 1 AND rs.role_desc = N'PRIMARY')
    THROW 50000, N'The managed instance is not the primary of this link: there is nothing to fail back (SQL Server is already the primary).', 1;
ALTER AVAILABILITY GROUP [link-claims] FAILOVER;
PRINT N'Failed back: SQL Server is the primary.';
