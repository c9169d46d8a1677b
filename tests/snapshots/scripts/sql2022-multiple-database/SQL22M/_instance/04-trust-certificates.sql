-- linkready: link setup on N'SQL22M' (SQL Server 2022 16.0.4295.3): an instance step,
-- run once for every database linked from this instance (safe to run again).
-- Steps 7-8 of MI-LINK.md section 4: trust the managed instance's endpoint
-- certificate and the Azure root certificates.
-- Run on SQL Server as sysadmin after 03-exchange-certificates.ps1, with the
-- variables it wrote (public keys, not secrets):
--   sqlcmd -S SQL22M -E -b -I -i 04-certificates.setvar.sql,04-trust-certificates.sql
-- Safe to run again: certificates that exist are kept.
USE [master];

-- The certificate's name must be the managed instance's host name.
IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'mi-prod.abc123def456.database.windows.net')
    CREATE CERTIFICATE [mi-prod.abc123def456.database.windows.net] FROM BINARY = $(ManagedInstanceCertificate);

DECLARE @issuer_certificate_id int;

IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'MicrosoftPKI')
BEGIN
    CREATE CERTIFICATE [MicrosoftPKI] FROM BINARY = $(MicrosoftPkiCertificate);
    SET @issuer_certificate_id = CERT_ID(N'MicrosoftPKI');
    EXEC sp_certificate_add_issuer @issuer_certificate_id, N'*.database.windows.net';
END;

IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'DigiCertPKI')
BEGIN
    CREATE CERTIFICATE [DigiCertPKI] FROM BINARY = $(DigiCertPkiCertificate);
    SET @issuer_certificate_id = CERT_ID(N'DigiCertPKI');
    EXEC sp_certificate_add_issuer @issuer_certificate_id, N'*.database.windows.net';
END;
