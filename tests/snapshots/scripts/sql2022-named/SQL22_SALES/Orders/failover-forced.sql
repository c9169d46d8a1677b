-- linkready: link setup for N'Orders' on N'SQL22\SALES' (SQL Server 2022 16.0.4125.3)
-- Forced failover to mi-prod for disaster recovery, when SQL Server
-- (the primary) is lost (MI-LINK.md section 5, step 5;
-- managed-instance-link-failover-how-to.md: FORCE_FAILOVER_ALLOW_DATA_LOSS
-- runs on the secondary, SQL Server 2022 CU13 and later). Transactions not
-- yet on the managed instance are lost. Run on the MANAGED INSTANCE
-- (mi-prod.abc123def456.database.windows.net) after setting @i_accept_data_loss to 1 below.
SET NOCOUNT ON;
DECLARE @i_accept_data_loss bit = 0;
IF @i_accept_data_loss = 0
    THROW 50000, N'A forced failover can lose data: set @i_accept_data_loss to 1 to confirm, or use failover-planned.sql while SQL Server is reachable.', 1;
IF NOT EXISTS (
    SELECT 1
    FROM sys.dm_hadr_availability_replica_states AS rs
    JOIN sys.availability_groups AS ag ON ag.group_id = rs.group_id
    WHERE ag.name = N'link-orders' AND rs.is_local = 1 AND rs.role_desc = N'SECONDARY')
    THROW 50000, N'The managed instance is not the secondary of this link: nothing to force.', 1;
ALTER AVAILABILITY GROUP [link-orders] FORCE_FAILOVER_ALLOW_DATA_LOSS;
PRINT N'Forced: the managed instance is the primary. When SQL Server returns, run split-brain.sql there before anything else.';
