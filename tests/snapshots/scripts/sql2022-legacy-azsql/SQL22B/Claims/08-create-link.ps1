# linkready: link setup for Claims on SQL22B (SQL Server 2022 16.0.4135.4)
# Step 12 of MI-LINK.md section 4: create the link on the managed instance.
# Run after 07-distributed-availability-group.sql; seeding starts here.
# two-way: the update policy matches, so the database can fail back online
# Safe to run again: an existing link is left alone.
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'

# Generated with --azsql-legacy: New-AzSqlInstanceLink's parameters of Az.Sql before 6.0.0.
$azSql = Get-Module -ListAvailable -Name 'Az.Sql' | Sort-Object -Property Version -Descending | Select-Object -First 1
if ($null -eq $azSql) {
    throw 'Az.Sql is not installed: Install-Module -Name Az.Sql -Scope CurrentUser'
}
if ($azSql.Version -ge [version]'6.0.0') {
    throw ('Az.Sql {0} is installed, but this script was generated with --azsql-legacy for versions before 6.0.0: generate the scripts again without --azsql-legacy.' -f $azSql.Version)
}
Import-Module -Name 'Az.Sql' -RequiredVersion $azSql.Version

if ($null -eq (Get-AzContext)) {
    Connect-AzAccount | Out-Null
}
Set-AzContext -Subscription '00000000-0000-0000-0000-000000000000' | Out-Null

$resourceGroup = 'rg-migration'
$instanceName = 'mi-prod'
$linkName = 'link-claims'

$existing = Get-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -ErrorAction SilentlyContinue
if ($null -ne $existing) {
    Write-Host ('The link {0} exists on {1}.' -f $linkName, $instanceName)
    return
}

New-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName `
    -PrimaryAvailabilityGroupName 'AG_Claims' `
    -SecondaryAvailabilityGroupName 'AG_Claims_MI' `
    -TargetDatabase 'Claims' `
    -SourceEndpoint 'TCP://SQL22B:5022'
Write-Host ('Created the link {0}; follow seeding with 09-verify.sql.' -f $linkName)
