-- linkready: link setup on N'SQL22M' (SQL Server 2022 16.0.4295.3): an instance step,
-- run once for every database linked from this instance (safe to run again).
-- Steps 2-4 of MI-LINK.md section 4: the database master key, the endpoint
-- certificate, and its public key for the managed instance.
-- Run on SQL Server as sysadmin. Safe to run again: nothing that exists is recreated.
-- The master key existed when the server was assessed; this file only checks it.
USE [master];

IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE symmetric_key_id = 101)
    THROW 50000, N'The database master key is missing now: create it (CREATE MASTER KEY ENCRYPTION BY PASSWORD = ...) and run this file again.', 1;

IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'Cert_SQL22M_endpoint')
    CREATE CERTIFICATE [Cert_SQL22M_endpoint]
        WITH SUBJECT = N'Database mirroring endpoint certificate of SQL22M',
        EXPIRY_DATE = N'20991231';

-- The public key for 03-exchange-certificates.ps1 -SqlServerPublicKey.
SELECT N'Cert_SQL22M_endpoint' AS certificate_name,
    CERTENCODED(CERT_ID(N'Cert_SQL22M_endpoint')) AS public_key;
