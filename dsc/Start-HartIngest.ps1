#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Compiles the HartIngest DSC configuration and applies it to this Windows ingest host.

.DESCRIPTION
    1. Loads the configuration data (.psd1) and checks it.
    2. Makes sure the PSDscResources module (Microsoft) is present at the pinned version:
       from -ModuleSourcePath (an offline copy) or else from the PowerShell Gallery.
    3. Reads the JDK MSI's ProductCode when the data leaves JdkProductId empty.
    4. SecretSource = 'Environment': writes HART_INGEST_DB_PASSWORD and HART_API_KEY from
       this process's environment to the service's protected secrets file. The secrets
       never enter the MOF. (SecretSource = 'KeyVault': DSC reads them from Key Vault.)
    5. Configures the Local Configuration Manager (ApplyAndAutoCorrect), compiles the
       MOF into -OutputPath and applies it (Start-DscConfiguration -Wait), then reports
       Test-DscConfiguration.

.PARAMETER ConfigurationDataPath
    The .psd1 with the node's settings (default: HartIngest.psd1 beside this script).

.PARAMETER OutputPath
    Where the MOF files are written (default: %ProgramData%\Hartonomous\dsc).

.PARAMETER ModuleSourcePath
    A folder holding PSDscResources\<version>\ (for hosts without PowerShell Gallery access).

.PARAMETER CompileOnly
    Only compile the MOF (no secrets are read, nothing is applied).

.EXAMPLE
    $env:HART_INGEST_DB_PASSWORD = '...'; $env:HART_API_KEY = '...'
    .\Start-HartIngest.ps1 -ConfigurationDataPath .\HartIngest.psd1 -Verbose
#>
[CmdletBinding()]
param(
    [string] $ConfigurationDataPath = (Join-Path $PSScriptRoot 'HartIngest.psd1'),
    [string] $OutputPath = (Join-Path $env:ProgramData 'Hartonomous\dsc'),
    [string] $ModuleSourcePath = '',
    [switch] $CompileOnly
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$PSDscResourcesVersion = '2.12.0.0'

function Write-Step {
    param([string] $Message)
    Write-Host ('[hart-ingest] ' + $Message)
}

function Get-MsiProductCode {
    param([string] $Path)
    $installer = New-Object -ComObject WindowsInstaller.Installer
    $database = $installer.GetType().InvokeMember('OpenDatabase', 'InvokeMethod', $null, $installer, @($Path, 0))
    $view = $database.GetType().InvokeMember('OpenView', 'InvokeMethod', $null, $database,
        @("SELECT Value FROM Property WHERE Property = 'ProductCode'"))
    $view.GetType().InvokeMember('Execute', 'InvokeMethod', $null, $view, $null) | Out-Null
    $record = $view.GetType().InvokeMember('Fetch', 'InvokeMethod', $null, $view, $null)
    $code = $record.GetType().InvokeMember('StringData', 'GetProperty', $null, $record, 1)
    $view.GetType().InvokeMember('Close', 'InvokeMethod', $null, $view, $null) | Out-Null
    return $code
}

function Write-SecretsFile {
    param([string] $Path, [string] $Account)
    $missing = @('HART_INGEST_DB_PASSWORD', 'HART_API_KEY') | Where-Object {
        -not [Environment]::GetEnvironmentVariable($_, 'Process')
    }
    if ($missing) {
        throw ('SecretSource is Environment but {0} is not set. Set it in this PowerShell session ' +
            '(for example from your vault: $env:HART_INGEST_DB_PASSWORD = ...) and run again.') -f ($missing -join ', ')
    }
    $folder = Split-Path -Parent $Path
    if (-not (Test-Path -LiteralPath $folder)) { New-Item -ItemType Directory -Path $folder -Force | Out-Null }
    # Lock the folder down before the secret lands in it: SYSTEM and Administrators only
    # (DSC adds read access for the service account once the service exists).
    & icacls.exe $folder /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls failed on $folder" }
    $text = "# Written by Start-HartIngest.ps1 from its environment`r`n" +
        'HART_STORAGE_PASSWORD=' + $env:HART_INGEST_DB_PASSWORD + "`r`n" +
        'HART_API_KEY=' + $env:HART_API_KEY + "`r`n"
    $current = if (Test-Path -LiteralPath $Path) { [IO.File]::ReadAllText($Path) } else { '' }
    if ($current -ne $text) {
        [IO.File]::WriteAllText($Path, $text, (New-Object Text.UTF8Encoding($false)))
        Write-Step "secrets file updated: $Path"
    } else {
        Write-Step 'secrets file unchanged'
    }
    if (Get-Service -Name ($Account -replace '^NT SERVICE\\', '') -ErrorAction SilentlyContinue) {
        & icacls.exe $folder /grant ('{0}:(OI)(CI)RX' -f $Account) | Out-Null
    }
}

# --- 1. Configuration data --------------------------------------------------------------
if (-not (Test-Path -LiteralPath $ConfigurationDataPath)) {
    throw "Configuration data not found: $ConfigurationDataPath"
}
$data = Import-PowerShellDataFile -Path $ConfigurationDataPath
$node = $data.AllNodes[0]
$required = @('JdkMsiPath', 'JdkHome', 'ReleaseVersion', 'IngestZipPath', 'InstallRoot', 'DataRoot', 'ServiceName',
    'ServiceAccount', 'IngestPort', 'IngestBindAddress', 'AllowedSources', 'StorageHost', 'StoragePort', 'Database',
    'StorageUser', 'SecretSource', 'ArcAgentMsiPath')
$absent = $required | Where-Object { -not $node.ContainsKey($_) -or -not $node[$_] }
if ($absent) { throw ('Configuration data {0} lacks: {1}' -f $ConfigurationDataPath, ($absent -join ', ')) }
$open = @($node.AllowedSources | Where-Object { $_ -in @('Any', '*', '0.0.0.0/0', '::/0', '0.0.0.0/0.0.0.0') })
if ($open) {
    throw ('AllowedSources must list the networks allowed to reach the ingest port, not {0}.' -f ($open -join ', '))
}
if ($node.ServiceAccount -in @('LocalSystem', 'NT AUTHORITY\SYSTEM', '.\LocalSystem')) {
    throw 'ServiceAccount must be a dedicated account (NT SERVICE\<service name> or a gMSA), not LocalSystem.'
}
if ($node.SecretSource -notin @('Environment', 'KeyVault')) {
    throw "SecretSource must be 'Environment' or 'KeyVault' (got '$($node.SecretSource)')."
}
if ($node.SecretSource -eq 'KeyVault' -and -not $node.KeyVaultName) {
    throw 'SecretSource is KeyVault: set KeyVaultName (and grant the Arc machine identity "get" on its secrets).'
}
foreach ($path in @($node.JdkMsiPath, $node.IngestZipPath, $node.ArcAgentMsiPath)) {
    if (-not (Test-Path -LiteralPath $path)) { throw "Not reachable from this host: $path" }
}
Write-Step "configuration data: $ConfigurationDataPath (release $($node.ReleaseVersion), secrets from $($node.SecretSource))"

# --- 2. PSDscResources -----------------------------------------------------------------------
$module = Get-Module -ListAvailable -Name PSDscResources | Where-Object { $_.Version -eq [version]$PSDscResourcesVersion }
if (-not $module) {
    $target = Join-Path $env:ProgramFiles "WindowsPowerShell\Modules\PSDscResources\$PSDscResourcesVersion"
    if ($ModuleSourcePath) {
        $source = Join-Path $ModuleSourcePath "PSDscResources\$PSDscResourcesVersion"
        if (-not (Test-Path -LiteralPath $source)) { throw "PSDscResources $PSDscResourcesVersion not found under $ModuleSourcePath" }
        Write-Step "copying PSDscResources $PSDscResourcesVersion from $source"
        New-Item -ItemType Directory -Path $target -Force | Out-Null
        Copy-Item -Path (Join-Path $source '*') -Destination $target -Recurse -Force
    } else {
        Write-Step "installing PSDscResources $PSDscResourcesVersion from the PowerShell Gallery"
        Install-Module -Name PSDscResources -RequiredVersion $PSDscResourcesVersion -Scope AllUsers -Force
    }
}

# --- 3. JDK ProductCode ---------------------------------------------------------------------------
if (-not $node.JdkProductId) {
    $node.JdkProductId = Get-MsiProductCode -Path $node.JdkMsiPath
    Write-Step "JDK MSI ProductCode: $($node.JdkProductId)"
}

# --- 4. Secrets ------------------------------------------------------------------------------------
if (-not $CompileOnly -and $node.SecretSource -eq 'Environment') {
    Write-SecretsFile -Path (Join-Path $node.DataRoot 'config\secrets.env') -Account $node.ServiceAccount
}

# --- 5. Compile and apply ------------------------------------------------------------------------------
. (Join-Path $PSScriptRoot 'HartIngest.ps1')

# Meta-configuration of the Local Configuration Manager (the LocalConfigurationManager
# block produces the .meta.mof that Set-DscLocalConfigurationManager applies).
Configuration HartIngestLcm
{
    Node $AllNodes.NodeName
    {
        LocalConfigurationManager
        {
            ConfigurationMode              = 'ApplyAndAutoCorrect'
            ConfigurationModeFrequencyMins = 30
            RebootNodeIfNeeded             = $false
        }
    }
}

New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
Write-Step "compiling the MOF into $OutputPath"
HartIngest -ConfigurationData $data -OutputPath $OutputPath | Out-Null
HartIngestLcm -ConfigurationData $data -OutputPath $OutputPath | Out-Null

if ($CompileOnly) {
    Write-Step 'compiled only (-CompileOnly): nothing applied'
    return
}

Write-Step 'configuring the Local Configuration Manager'
Set-DscLocalConfigurationManager -Path $OutputPath -Force
Write-Step 'applying the configuration (this installs the JDK and the Arc agent on the first run)'
Start-DscConfiguration -Path $OutputPath -Wait -Force -Verbose:($VerbosePreference -eq 'Continue')

$result = Test-DscConfiguration -Detailed
if ($result.InDesiredState) {
    Write-Step "in desired state: service $($node.ServiceName) on port $($node.IngestPort), release $($node.ReleaseVersion)"
} else {
    $names = $result.ResourcesNotInDesiredState | ForEach-Object { $_.ResourceId }
    throw ('Not in desired state after applying: {0}. See Get-WinEvent -LogName Microsoft-Windows-DSC/Operational.' -f ($names -join ', '))
}
