-- linkready: link setup for N'Claims', N'Policies' on N'SQL22M' (SQL Server 2022 16.0.4295.3)
-- Step 13 of MI-LINK.md section 4, and the link's health afterwards: read-only,
-- run as often as you like (sqlcmd -S SQL22M -E -b -I -i 09-verify.sql).
-- Every column is checked against its sql-docs page (tests/scripts.rs).
USE [master];

-- 1. The replicas of the link: the managed instance's should be CONNECTED
-- and HEALTHY (41962, 41973/41974, 41986 in last_connect_error_number:
-- network, certificates, connection; see README.md).
SELECT ag.name AS availability_group, ar.replica_server_name,
    rs.role_desc, rs.connected_state_desc, rs.synchronization_health_desc,
    rs.last_connect_error_number, rs.last_connect_error_description, rs.last_connect_error_timestamp
FROM sys.dm_hadr_availability_replica_states AS rs
JOIN sys.availability_replicas AS ar ON ar.replica_id = rs.replica_id
JOIN sys.availability_groups AS ag ON ag.group_id = ar.group_id
WHERE ag.name IN (N'AG_SQL22M_LINK', N'databases-of-sql-m-iilliedg');

-- 2. The database on each side: synchronization, health, how far behind
-- (log not yet sent and not yet redone, in KB; lag in seconds), last commit.
SELECT ag.name AS availability_group, DB_NAME(drs.database_id) AS database_name,
    drs.is_local, drs.synchronization_state_desc, drs.synchronization_health_desc,
    drs.is_suspended, drs.suspend_reason_desc, drs.last_hardened_lsn,
    drs.log_send_queue_size AS log_send_queue_kb, drs.redo_queue_size AS redo_queue_kb,
    drs.secondary_lag_seconds, drs.last_commit_time
FROM sys.dm_hadr_database_replica_states AS drs
JOIN sys.availability_groups AS ag ON ag.group_id = drs.group_id
WHERE ag.name IN (N'AG_SQL22M_LINK', N'databases-of-sql-m-iilliedg');

-- 3. Seeding: each attempt (seeding restarts after any interruption and is
-- cancelled after 6 days), and the progress of the one running.
SELECT ag.name AS availability_group, sd.start_time, sd.completion_time,
    sd.current_state, sd.failure_state_desc, sd.error_code, sd.number_of_attempts
FROM sys.dm_hadr_automatic_seeding AS sd
JOIN sys.availability_groups AS ag ON ag.group_id = sd.ag_id
WHERE ag.name IN (N'AG_SQL22M_LINK', N'databases-of-sql-m-iilliedg')
ORDER BY sd.start_time DESC;

SELECT ps.local_database_name, ps.role_desc, ps.internal_state_desc,
    ps.transferred_size_bytes / 1048576 AS transferred_mb, ps.database_size_bytes / 1048576 AS database_mb,
    CAST(100.0 * ps.transferred_size_bytes / NULLIF(ps.database_size_bytes, 0) AS decimal(5, 1)) AS percent_done,
    ps.transfer_rate_bytes_per_second / 1048576 AS mb_per_second,
    ps.start_time_utc, ps.estimate_time_complete_utc, ps.is_compression_enabled, ps.failure_message
FROM sys.dm_hadr_physical_seeding_stats AS ps
WHERE ps.local_database_name IN (N'Claims', N'Policies');

-- 4. Certificates the link trusts: an expired one breaks the link silently.
SELECT cert.name AS certificate, cert.expiry_date,
    DATEDIFF(DAY, GETDATE(), cert.expiry_date) AS days_left
FROM sys.certificates AS cert
WHERE cert.name IN (N'Cert_SQL22M_endpoint', N'mi-prod.abc123def456.database.windows.net')
ORDER BY cert.expiry_date;
