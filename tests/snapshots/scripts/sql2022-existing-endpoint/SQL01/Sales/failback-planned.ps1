# linkready: link setup for Sales on SQL01 (SQL Server 2022 16.0.4125.3)
# Planned failback from the managed instance to SQL Server through Azure
# (MI-LINK.md section 5, step 3). Azure accepts a planned failover only while
# the managed instance is the primary of the link ("Planned failover can be
# executed on a link in the primary role only"); this script checks that
# first. Stop the workload on the managed instance first.
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
$linkName = 'link-sales'

$link = Get-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName
if ($link.InstanceLinkRole -ne 'Primary') {
    throw ('The managed instance is not the primary of {0} (role: {1}): there is nothing to fail back.' -f $linkName, $link.InstanceLinkRole)
}
Start-AzSqlInstanceLinkFailover -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -FailoverType Planned
Write-Host ('Failed {0} back to SQL Server.' -f $linkName)
