# linkready: link setup for a]b'c "$;x ünï on SQL22\SALES (SQL Server 2022 16.0.4125.3)
# Failback after a planned or forced failover (MI-LINK.md section 5): the
# database returns to SQL Server through the link, without data loss.
# Stop the workload on the managed instance first.
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
$linkName = 'DAG_a_b_c____x__n__04047807'

Start-AzSqlInstanceLinkFailover -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -FailoverType Planned
Write-Host ('Failed {0} back to SQL Server.' -f $linkName)
