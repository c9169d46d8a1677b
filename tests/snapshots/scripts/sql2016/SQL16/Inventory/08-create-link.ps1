# linkready: link setup for Inventory on SQL16 (SQL Server 2016 13.0.7000.253)
# Step 12 of MI-LINK.md section 4: create the link on the managed instance.
# Run after 07-distributed-availability-group.sql; seeding starts here.
# SQL Server 2016 links one way: failing over ends the link (no failback)
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
$linkName = 'link-inventory'

$existing = Get-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -ErrorAction SilentlyContinue
if ($null -ne $existing) {
    Write-Host ('The link {0} exists on {1}.' -f $linkName, $instanceName)
    return
}

New-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName `
    -PartnerAvailabilityGroupName 'AG_Inventory' `
    -InstanceAvailabilityGroupName 'AG_Inventory_MI' `
    -Database 'Inventory' `
    -PartnerEndpoint 'TCP://SQL16:5022' `
    -InstanceLinkRole Secondary `
    -FailoverMode None `
    -SeedingMode Automatic
Write-Host ('Created the link {0}; follow seeding with 09-verify.sql.' -f $linkName)
