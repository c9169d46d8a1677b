-- linkready: link setup on N'SQL16' (SQL Server 2016 13.0.7000.253): an instance step,
-- run once for every database linked from this instance (safe to run again).
-- Steps 2-4 of MI-LINK.md section 4: the database master key, the endpoint
-- certificate, and its public key for the managed instance.
-- Run on SQL Server as sysadmin. Safe to run again: nothing that exists is recreated.
-- The master key password is not in this file: set the SQLCMD variable
-- MasterKeyPassword first (sqlcmd reads it from an environment variable of
-- that name; in SSMS use SQLCMD mode). sqlcmd pastes it between the quotes
-- below, so write a ' in it as ''. Keep the password with the server's secrets.
USE [master];

IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE symmetric_key_id = 101)
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MasterKeyPassword)';

IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'Cert_SQL16_endpoint')
    CREATE CERTIFICATE [Cert_SQL16_endpoint]
        WITH SUBJECT = N'Database mirroring endpoint certificate of SQL16',
        EXPIRY_DATE = N'20991231';

-- The public key for 03-exchange-certificates.ps1 -SqlServerPublicKey.
SELECT N'Cert_SQL16_endpoint' AS certificate_name,
    CERTENCODED(CERT_ID(N'Cert_SQL16_endpoint')) AS public_key;
