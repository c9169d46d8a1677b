# linkready: link setup on SQL22M (SQL Server 2022 16.0.4295.3): an instance step,
# run once for every database linked from this instance (safe to run again).
# Steps 5-6 of MI-LINK.md section 4, and the root certificates of step 8:
# upload SQL Server's endpoint certificate to the managed instance, fetch the
# managed instance's endpoint certificate and the Azure root certificates,
# and write them (public keys, no secrets) to 04-certificates.setvar.sql.
# Usage: .\03-exchange-certificates.ps1 -SqlServerPublicKey 0x...
#   (the public_key that 02-master-key-and-certificate.sql printed)
# Safe to run again.
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [ValidatePattern('^0x[0-9A-Fa-f]+$')]
    [string] $SqlServerPublicKey
)

$ErrorActionPreference = 'Stop'

# Needs Az.Sql 6.0.0 or later (New-AzSqlInstanceLink's current parameters).
$azSql = Get-Module -ListAvailable -Name 'Az.Sql' | Sort-Object -Property Version -Descending | Select-Object -First 1
if ($null -eq $azSql) {
    throw 'Az.Sql is not installed: Install-Module -Name Az.Sql -Scope CurrentUser'
}
if ($azSql.Version -lt [version]'6.0.0') {
    throw ('Az.Sql {0} is installed; this script needs 6.0.0 or later (Update-Module -Name Az.Sql), or generate the scripts again with --azsql-legacy.' -f $azSql.Version)
}
Import-Module -Name 'Az.Sql' -RequiredVersion $azSql.Version

if ($null -eq (Get-AzContext)) {
    Connect-AzAccount | Out-Null
}
Set-AzContext -Subscription '00000000-0000-0000-0000-000000000000' | Out-Null

$resourceGroup = 'rg-migration'
$instanceName = 'mi-prod'
$certificateName = 'Cert_SQL22M_endpoint'

# Step 5: the managed instance trusts SQL Server's certificate.
$uploaded = Get-AzSqlInstanceServerTrustCertificate -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $certificateName -ErrorAction SilentlyContinue
if ($null -eq $uploaded) {
    New-AzSqlInstanceServerTrustCertificate -ResourceGroupName $resourceGroup -InstanceName $instanceName -CertificateName $certificateName -PublicKey $SqlServerPublicKey | Out-Null
    Write-Host ('Uploaded {0} to {1}.' -f $certificateName, $instanceName)
}
else {
    Write-Host ('{0} already has {1}.' -f $instanceName, $certificateName)
}

# Step 6: the managed instance's endpoint certificate.
$endpointCertificate = Get-AzSqlInstanceEndpointCertificate -ResourceGroupName $resourceGroup -InstanceName $instanceName -EndpointType 'DATABASE_MIRRORING'
$managedInstanceKey = [string] $endpointCertificate.PublicKey
if ($managedInstanceKey -notmatch '^0x') {
    $managedInstanceKey = '0x' + $managedInstanceKey
}
if ($managedInstanceKey -notmatch '^0x[0-9A-Fa-f]+$') {
    throw 'Get-AzSqlInstanceEndpointCertificate returned no usable public key.'
}

# Step 8: the roots that issue the managed instance's certificates, from this
# machine's trusted root store, else from their publishers (checked by thumbprint).
function Get-RootCertificateHex {
    param([string] $Thumbprint, [string] $Uri)
    $certificate = $null
    foreach ($store in 'Cert:\LocalMachine\Root', 'Cert:\CurrentUser\Root') {
        if ($null -eq $certificate -and (Test-Path -Path $store)) {
            $certificate = Get-ChildItem -Path $store | Where-Object { $_.Thumbprint -eq $Thumbprint } | Select-Object -First 1
        }
    }
    if ($null -eq $certificate) {
        $file = [System.IO.Path]::GetTempFileName()
        try {
            Invoke-WebRequest -Uri $Uri -OutFile $file -UseBasicParsing
            $certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($file)
        }
        finally {
            Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
        }
        if ($certificate.Thumbprint -ne $Thumbprint) {
            throw ('The certificate from {0} has thumbprint {1}, not {2}.' -f $Uri, $certificate.Thumbprint, $Thumbprint)
        }
    }
    return '0x' + (($certificate.RawData | ForEach-Object { $_.ToString('X2') }) -join '')
}
# Microsoft RSA Root Certificate Authority 2017, and DigiCert Global Root G2.
$microsoftPki = Get-RootCertificateHex -Thumbprint '73A5E64A3BFF8316FF0EDCCC618A906E4EAE4D74' -Uri 'https://www.microsoft.com/pkiops/certs/Microsoft%20RSA%20Root%20Certificate%20Authority%202017.crt'
$digiCertPki = Get-RootCertificateHex -Thumbprint 'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4' -Uri 'https://cacerts.digicert.com/DigiCertGlobalRootG2.crt'

$variables = Join-Path -Path $PSScriptRoot -ChildPath '04-certificates.setvar.sql'
@(
    (':setvar ManagedInstanceCertificate ' + $managedInstanceKey),
    (':setvar MicrosoftPkiCertificate ' + $microsoftPki),
    (':setvar DigiCertPkiCertificate ' + $digiCertPki)
) | Set-Content -LiteralPath $variables -Encoding ASCII
Write-Host ('Wrote {0}. Next, on SQL Server: sqlcmd -S SQL22M -E -b -I -i 04-certificates.setvar.sql,04-trust-certificates.sql' -f $variables)
