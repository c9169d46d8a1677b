-- linkready: link setup for N'Payroll' on N'SQL22C' (SQL Server 2022 16.0.4135.4)
-- Step 10 of MI-LINK.md section 4: the availability group on SQL Server.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF SERVERPROPERTY('IsHadrEnabled') <> 1
    THROW 50000, N'Always On availability groups are not enabled: enable them and restart the service (see README.md).', 1;

-- AG_Payroll already holds this database alone, with one replica: the link
-- reuses it (managed-instance-link-configure-how-to-scripts.md). This file
-- only checks that it still does.
IF NOT EXISTS (
    SELECT 1
    FROM sys.availability_groups AS ag
    JOIN sys.availability_databases_cluster AS adc ON adc.group_id = ag.group_id
    WHERE ag.name = N'AG_Payroll' AND adc.database_name = N'Payroll')
    THROW 50000, N'The availability group no longer holds the database: generate the scripts again.', 1;
IF (SELECT COUNT(*) FROM sys.availability_databases_cluster AS adc
    JOIN sys.availability_groups AS ag ON ag.group_id = adc.group_id
    WHERE ag.name = N'AG_Payroll') <> 1
    OR (SELECT COUNT(*) FROM sys.availability_replicas AS ar
    JOIN sys.availability_groups AS ag ON ag.group_id = ar.group_id
    WHERE ag.name = N'AG_Payroll') <> 1
    THROW 50000, N'The availability group now holds other databases or replicas: the link cannot reuse it as generated; generate the scripts again.', 1;
PRINT N'Reusing the availability group.';
