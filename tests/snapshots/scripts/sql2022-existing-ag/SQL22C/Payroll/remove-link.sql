-- linkready: link setup for N'Payroll' on N'SQL22C' (SQL Server 2022 16.0.4135.4)
-- Removal, step 4 of MI-LINK.md section 5: run after remove-link.ps1.
-- Run on SQL Server as sysadmin. Safe to run again.
USE [master];

IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'link-payroll')
    DROP AVAILABILITY GROUP [link-payroll];

-- AG_Payroll existed before the link: it is kept.
