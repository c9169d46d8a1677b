# linkready: link setup for Claims on SQL22B (SQL Server 2022 16.0.4135.4)
# Forced failover to the managed instance through Azure, for disaster
# recovery only, when SQL Server is lost (MI-LINK.md section 5, step 5).
# Transactions not yet on the managed instance are lost. -Force skips the
# cmdlet's own confirmation: -AllowDataLoss is the confirmation here.
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
$linkName = 'link-claims'

if (-not $AllowDataLoss) {
    throw 'A forced failover can lose data: run again with -AllowDataLoss to confirm, or use failover-planned.sql while SQL Server is reachable.'
}
$link = Get-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName
if ($link.InstanceLinkRole -eq 'Primary') {
    throw ('The managed instance is already the primary of {0}: nothing to force.' -f $linkName)
}
Start-AzSqlInstanceLinkFailover -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -FailoverType ForcedAllowDataLoss -Force
Write-Host ('Forced the failover of {0}. When SQL Server returns, run split-brain.sql there first.' -f $linkName)
