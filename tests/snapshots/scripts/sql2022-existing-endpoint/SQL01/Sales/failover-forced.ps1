# linkready: link setup for Sales on SQL01 (SQL Server 2022 16.0.4125.3)
# Forced failover, step 3 of MI-LINK.md section 5: for disaster recovery
# only, when the primary is lost. Transactions not yet on the managed instance are lost.
[CmdletBinding()]
param(
    # Confirms that losing the transactions not yet replicated is accepted.
    [switch] $AllowDataLoss
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
$linkName = 'DAG_Sales'

if (-not $AllowDataLoss) {
    throw 'A forced failover can lose data: run again with -AllowDataLoss to confirm, or use failover-planned.ps1.'
}
Start-AzSqlInstanceLinkFailover -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -FailoverType ForcedAllowDataLoss
Write-Host ('Forced the failover of {0}.' -f $linkName)
