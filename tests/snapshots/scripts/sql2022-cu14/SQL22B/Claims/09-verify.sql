-- linkready: link setup for N'Claims' on N'SQL22B' (SQL Server 2022 16.0.4135.4)
-- Step 13 of MI-LINK.md section 4: is the managed instance's replica
-- connected, and how far is seeding? Read-only; run as often as you like.
USE [master];

-- Every replica of the link; the managed instance's should be CONNECTED.
SELECT ag.name AS availability_group, ar.replica_server_name,
    rs.role_desc, rs.connected_state_desc, rs.synchronization_health_desc,
    rs.last_connect_error_number, rs.last_connect_error_description
FROM sys.dm_hadr_availability_replica_states AS rs
JOIN sys.availability_replicas AS ar ON ar.replica_id = rs.replica_id
JOIN sys.availability_groups AS ag ON ag.group_id = ar.group_id
WHERE ag.name IN (N'AG_Claims', N'DAG_Claims');

-- Seeding progress (41962, 41973/41974, 41986 in last_connect_error_number:
-- network, certificates, connection; see README.md).
SELECT ag.name AS availability_group, s.start_time, s.completion_time,
    s.current_state, s.failure_state_desc, s.error_code
FROM sys.dm_hadr_automatic_seeding AS s
JOIN sys.availability_groups AS ag ON ag.group_id = s.ag_id
WHERE ag.name IN (N'AG_Claims', N'DAG_Claims')
ORDER BY s.start_time DESC;

SELECT ag.name AS availability_group, DB_NAME(drs.database_id) AS database_name,
    drs.is_local, drs.synchronization_state_desc, drs.last_hardened_lsn
FROM sys.dm_hadr_database_replica_states AS drs
JOIN sys.availability_groups AS ag ON ag.group_id = drs.group_id
WHERE ag.name IN (N'AG_Claims', N'DAG_Claims');
