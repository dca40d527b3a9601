#Requires -Version 5.1
<#
.SYNOPSIS
    Connects this Windows machine (the Hartonomous ingest host) to Azure Arc,
    non-interactively, with a service principal. Idempotent: a machine that
    `azcmagent show` reports as Connected is left alone.

.DESCRIPTION
    Every setting has an environment variable of the same meaning as in
    arc/onboard-linux.sh; a parameter overrides it.

      ARC_TENANT_ID, ARC_SUBSCRIPTION_ID, ARC_RESOURCE_GROUP, ARC_LOCATION,
      ARC_SERVICE_PRINCIPAL_ID, ARC_SERVICE_PRINCIPAL_SECRET   (required)
      ARC_TAGS, ARC_CLOUD, ARC_RESOURCE_NAME, ARC_PROXY_URL, ARC_PROXY_BYPASS,
      ARC_AGENT_MSI (path of AzureConnectedMachineAgent.msi; downloaded when empty)

    The service principal secret is passed to azcmagent in a temporary settings
    file readable by Administrators only, never on a command line.

.PARAMETER Check
    Validate the settings and report what would be done; change nothing.

.EXAMPLE
    $env:ARC_SERVICE_PRINCIPAL_SECRET = '...'   # from your vault
    .\onboard-windows.ps1 -ResourceGroup rg-hartonomous -Location westeurope
#>
[CmdletBinding()]
param(
    [string] $TenantId = $env:ARC_TENANT_ID,
    [string] $SubscriptionId = $env:ARC_SUBSCRIPTION_ID,
    [string] $ResourceGroup = $env:ARC_RESOURCE_GROUP,
    [string] $Location = $env:ARC_LOCATION,
    [string] $ServicePrincipalId = $env:ARC_SERVICE_PRINCIPAL_ID,
    [string] $Tags = $env:ARC_TAGS,
    [string] $Cloud = $env:ARC_CLOUD,
    [string] $ResourceName = $env:ARC_RESOURCE_NAME,
    [string] $ProxyUrl = $env:ARC_PROXY_URL,
    [string] $ProxyBypass = $env:ARC_PROXY_BYPASS,
    [string] $AgentMsiPath = $env:ARC_AGENT_MSI,
    [string] $AgentDownloadUrl = 'https://aka.ms/AzureConnectedMachineAgent',
    [switch] $Check
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Write-Step {
    param([string] $Message)
    Write-Host ('onboard-windows: ' + $Message)
}

# --- settings --------------------------------------------------------------------------------
if (-not $Tags) { $Tags = 'application=hartonomous,tier=ingest' }
if (-not $Cloud) { $Cloud = 'AzureCloud' }
if (-not $ResourceName) { $ResourceName = $env:COMPUTERNAME }
$secret = $env:ARC_SERVICE_PRINCIPAL_SECRET

$settings = [ordered]@{
    ARC_TENANT_ID                = $TenantId
    ARC_SUBSCRIPTION_ID          = $SubscriptionId
    ARC_RESOURCE_GROUP           = $ResourceGroup
    ARC_LOCATION                 = $Location
    ARC_SERVICE_PRINCIPAL_ID     = $ServicePrincipalId
    ARC_SERVICE_PRINCIPAL_SECRET = $secret
}
$missing = @($settings.Keys | Where-Object { -not $settings[$_] })
if ($missing.Count -gt 0) {
    throw ('onboard-windows: missing setting(s): {0}. Set the environment variable(s) or pass the parameter(s); see arc/README.md.' -f ($missing -join ', '))
}
if ($Cloud -notin @('AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud')) {
    throw "onboard-windows: ARC_CLOUD must be AzureCloud, AzureUSGovernment or AzureChinaCloud (got '$Cloud')."
}
if ($Tags -notmatch '^([^=,]+=[^,]*)(,[^=,]+=[^,]*)*$') {
    throw "onboard-windows: ARC_TAGS must look like Name=Value,Name2=Value2 (got '$Tags')."
}
$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $Check -and -not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'onboard-windows: run from an elevated (Administrator) PowerShell.'
}

$azcmagent = Join-Path $env:ProgramFiles 'AzureConnectedMachineAgent\azcmagent.exe'

# A comma/space separated list (as given or as `azcmagent config get` prints it,
# possibly with brackets and quotes) -> sorted, comma-separated, no blanks.
function ConvertTo-SortedList {
    param([string] $Text)
    $items = @(($Text -replace '[\[\]"]', '') -split '[,\s]+' | Where-Object { $_ } | Sort-Object -Unique)
    return ($items -join ',')
}

function Get-AgentState {
    if (-not (Test-Path -LiteralPath $azcmagent)) { return $null }
    $json = (& $azcmagent show --json 2>$null) -join "`n"
    if (-not $json) { return $null }
    return ($json | ConvertFrom-Json)
}

# --- 1. agent ----------------------------------------------------------------------------------------
if (Test-Path -LiteralPath $azcmagent) {
    Write-Step ('agent installed: ' + ((& $azcmagent version) | Select-Object -First 1))
} elseif ($Check) {
    Write-Step ('would install the Connected Machine agent from ' + $(if ($AgentMsiPath) { $AgentMsiPath } else { $AgentDownloadUrl }))
} else {
    $msi = $AgentMsiPath
    if (-not $msi) {
        $msi = Join-Path $env:TEMP 'AzureConnectedMachineAgent.msi'
        Write-Step "downloading the Connected Machine agent from $AgentDownloadUrl"
        $request = @{ Uri = $AgentDownloadUrl; OutFile = $msi; UseBasicParsing = $true }
        if ($ProxyUrl) { $request.Proxy = $ProxyUrl }
        [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
        Invoke-WebRequest @request
    }
    Write-Step "installing $msi"
    $log = Join-Path $env:TEMP 'AzureConnectedMachineAgent-install.log'
    $process = Start-Process -FilePath msiexec.exe -Wait -PassThru -ArgumentList @(
        '/i', ('"{0}"' -f $msi), '/qn', '/norestart', '/l*v', ('"{0}"' -f $log))
    if ($process.ExitCode -ne 0 -and $process.ExitCode -ne 3010) {
        throw "onboard-windows: msiexec exited with $($process.ExitCode); see $log"
    }
    if (-not (Test-Path -LiteralPath $azcmagent)) { throw "onboard-windows: $azcmagent is missing after the installation." }
}

# --- 2. proxy ----------------------------------------------------------------------------------------------
if (Test-Path -LiteralPath $azcmagent) {
    $currentProxy = ((& $azcmagent config get proxy.url 2>$null) -join '').Trim()
    if ($currentProxy -ne $ProxyUrl) {
        if ($Check) {
            Write-Step "would set proxy.url to '$ProxyUrl' (now '$currentProxy')"
        } elseif ($ProxyUrl) {
            Write-Step 'setting proxy.url'
            & $azcmagent config set proxy.url $ProxyUrl
        } else {
            Write-Step 'clearing proxy.url'
            & $azcmagent config clear proxy.url
        }
    }
    # proxy.bypass is a list (e.g. Arc,AAD); compare it as a sorted set.
    $currentBypass = ConvertTo-SortedList ((& $azcmagent config get proxy.bypass 2>$null) -join ',')
    $wantedBypass = ConvertTo-SortedList $ProxyBypass
    if ($currentBypass -ne $wantedBypass) {
        if ($Check) {
            Write-Step "would set proxy.bypass to '$wantedBypass' (now '$currentBypass')"
        } elseif ($wantedBypass) {
            Write-Step 'setting proxy.bypass'
            & $azcmagent config set proxy.bypass $wantedBypass
        } else {
            Write-Step 'clearing proxy.bypass'
            & $azcmagent config clear proxy.bypass
        }
    }
}

# --- 3. connect ----------------------------------------------------------------------------------------------
$state = Get-AgentState
if ($state -and $state.status -eq 'Connected') {
    Write-Step "already connected as $($state.resourceName) in resource group $($state.resourceGroup) (nothing to do)"
    if ($state.resourceGroup -ne $ResourceGroup -or $state.subscriptionId -ne $SubscriptionId) {
        Write-Warning "connected to $($state.subscriptionId)/$($state.resourceGroup), not $SubscriptionId/$ResourceGroup; disconnect first to move it."
    }
    return
}

if ($Check) {
    Write-Step "would connect as $ResourceName to $SubscriptionId/$ResourceGroup in $Location ($Cloud), tags $Tags"
    return
}

Write-Step "connecting as $ResourceName to resource group $ResourceGroup in $Location ($Cloud)"
$configFile = Join-Path $env:ProgramData ('AzureConnectedMachineAgent-connect-{0}.json' -f [guid]::NewGuid())
try {
    New-Item -ItemType File -Path $configFile -Force | Out-Null
    & icacls.exe $configFile /inheritance:r /grant:r '*S-1-5-18:F' '*S-1-5-32-544:F' | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "onboard-windows: could not restrict $configFile" }
    $connect = [ordered]@{
        'service-principal-id'     = $ServicePrincipalId
        'service-principal-secret' = $secret
        'tenant-id'                = $TenantId
        'subscription-id'          = $SubscriptionId
        'resource-group'           = $ResourceGroup
        'location'                 = $Location
        'cloud'                    = $Cloud
        'resource-name'            = $ResourceName
        'tags'                     = $Tags
    }
    [IO.File]::WriteAllText($configFile, ($connect | ConvertTo-Json), (New-Object Text.UTF8Encoding($false)))
    & $azcmagent connect --config $configFile
    if ($LASTEXITCODE -ne 0) { throw "onboard-windows: azcmagent connect failed with exit code $LASTEXITCODE" }
} finally {
    Remove-Item -LiteralPath $configFile -Force -ErrorAction SilentlyContinue
}

$state = Get-AgentState
if (-not $state -or $state.status -ne 'Connected') {
    throw ('onboard-windows: azcmagent reports status {0} after connect (see azcmagent logs).' -f $(if ($state) { $state.status } else { 'unknown' }))
}
Write-Step "connected: $($state.resourceName) in $($state.resourceGroup)"
