-- linkready: network test kit for SQL22M and mi-prod.abc123def456.database.windows.net, part 1 of 5
-- (MicrosoftDocs/sql-docs azure-sql/managed-instance/managed-instance-link-preparation.md,
-- "Test connection from SQL Server to SQL Managed Instance").
-- Run on the managed instance. It reads the node that holds the instance's
-- primary replica and its HADR port (one of 11000-11999) and prints them as
-- sqlcmd variables for part 2:
--   sqlcmd -S mi-prod.abc123def456.database.windows.net -G -b -r1 -h -1 -W -i 00-network-1-parameters.sql -o 00-network.setvar.sql
-- (-r1 keeps an error out of the .setvar file: it goes to the screen.)
-- (-G: Microsoft Entra authentication; or -U with a SQL login and SQLCMDPASSWORD.)
-- They change when the managed instance fails over: run this again before
-- testing again. It changes nothing.
SET NOCOUNT ON;

DECLARE @cluster nvarchar(512) = (
    SELECT TOP (1) CAST(value AS nvarchar(512)) FROM sys.dm_hadr_fabric_config_parameters
    WHERE parameter_name = N'ClusterName');
DECLARE @hadr_port nvarchar(512) = (
    SELECT TOP (1) CAST(value AS nvarchar(512)) FROM sys.dm_hadr_fabric_config_parameters
    WHERE parameter_name = N'HadrPort');
DECLARE @instance_name nvarchar(512) = (
    SELECT TOP (1) CAST(value AS nvarchar(512)) FROM sys.dm_hadr_fabric_config_parameters
    WHERE section_name = N'SQL' AND parameter_name = N'InstanceName');

-- The primary replica (replica_role 2) of this instance's ManagedServer
-- service: its node name is replica_address up to the backslash.
DECLARE @node nvarchar(512) = (
    SELECT TOP (1) SUBSTRING(replica_address, 1, CHARINDEX(N'\', replica_address) - 1)
    FROM sys.dm_hadr_fabric_partitions AS fp
    INNER JOIN sys.dm_hadr_fabric_replicas AS fr ON fp.partition_id = fr.partition_id
    INNER JOIN sys.dm_hadr_fabric_nodes AS fn ON fr.node_name = fn.node_name
    WHERE service_name LIKE N'%ManagedServer%'
      AND replica_role = 2
      AND CHARINDEX(N'\', replica_address) > 1
      AND RIGHT(service_name, CHARINDEX(N'/', REVERSE(service_name)) - 1) = @instance_name);

IF @node IS NULL OR @cluster IS NULL OR @hadr_port IS NULL
    THROW 50000, N'The managed instance''s node and HADR port were not found: run this on the managed instance (sys.dm_hadr_fabric_* exist only there).', 1;
IF (@node + N'.' + @cluster) LIKE N'%[^A-Za-z0-9.-]%' OR @hadr_port LIKE N'%[^0-9]%'
    THROW 50000, N'Unexpected characters in the node name or HADR port: not written.', 1;

SELECT N':setvar ManagedInstanceNode ' + @node + N'.' + @cluster
UNION ALL
SELECT N':setvar ManagedInstanceHadrPort ' + @hadr_port;
