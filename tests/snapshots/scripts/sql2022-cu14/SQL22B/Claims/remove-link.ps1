# linkready: link setup for Claims on SQL22B (SQL Server 2022 16.0.4135.4)
# Removal, steps 4-5 of MI-LINK.md section 5: remove the link on the managed
# instance, then run remove-link.sql on SQL Server.
# After a failover to the managed instance, do not remove the link before
# its first full backup exists; check on the managed instance:
#   SELECT TOP (1) backup_finish_date FROM msdb.dbo.backupset
#   WHERE database_name = <the database> AND type = 'D';
[CmdletBinding()]
param(
    # Confirms the check above (or that no failover happened).
    [switch] $FullBackupChecked
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

$existing = Get-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -ErrorAction SilentlyContinue
if ($null -eq $existing) {
    Write-Host ('No link {0} on {1}; run remove-link.sql on SQL Server.' -f $linkName, $instanceName)
    return
}
if (-not $FullBackupChecked) {
    throw ('After a failover, removing the link before the managed instance''s first full backup of {0} loses the database''s recoverability: check msdb.dbo.backupset on the managed instance, then run again with -FullBackupChecked.' -f 'Claims')
}
Remove-AzSqlInstanceLink -ResourceGroupName $resourceGroup -InstanceName $instanceName -Name $linkName -Force
Write-Host ('Removed the link {0}; now run remove-link.sql on SQL Server.' -f $linkName)
