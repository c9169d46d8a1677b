# linkready: multiple-database link (PREVIEW) on SQL22M (SQL Server 2022 16.0.4295.3)
# Creates the link on the managed instance for every database of AG_SQL22M_LINK
# (managed-instance-link-extend-availability-group.md, PowerShell tab:
# New-AzSqlInstanceLink -LinkMode MultiDatabase, Az 16.3.0 and Az.Sql 7.1.0
# or later; without -LinkMode the link would be single-database).
# Run after 07-distributed-availability-group.sql; seeding starts here.
# Safe to run again: an existing link is left alone.
[CmdletBinding()]
param()

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
$linkName = 'databases-of-sql-m-iilliedg'

if ($azSql.Version -lt [version]'7.1.0') {
    throw ('Az.Sql {0} is installed; the multiple-database link mode needs 7.1.0 or later (Update-Module -Name Az.Sql).' -f $azSql.Version)
}

$existing = Get-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -ErrorAction SilentlyContinue
if ($null -ne $existing) {
    Write-Host ('The link {0} exists on {1}.' -f $linkName, $instanceName)
    return
}

# Every database of the availability group, as 06 created it.
$databases = @('Claims', 'Policies')

New-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName `
    -PartnerAvailabilityGroupName 'AG_SQL22M_LINK' `
    -InstanceAvailabilityGroupName 'AG_SQL22M_LINK_MI' `
    -Database $databases `
    -PartnerEndpoint 'TCP://SQL22M:5022' `
    -InstanceLinkRole Secondary `
    -FailoverMode Manual `
    -SeedingMode Automatic `
    -LinkMode MultiDatabase
Write-Host ('Created the link {0} for {1} databases; follow seeding with 09-verify.sql.' -f $linkName, $databases.Count)
