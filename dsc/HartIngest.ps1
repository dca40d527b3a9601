#Requires -Version 5.1
<#
.SYNOPSIS
    DSC configuration of the Windows ingest host (Windows Server 2022/2025).

.DESCRIPTION
    Brings the host to this state, idempotently:
      1. JDK 25 installed from its MSI (MsiPackage).
      2. The ingest tier release unpacked under InstallRoot\releases\<version> (Archive).
      3. HartServiceHost.exe compiled from HartServiceHost.cs (the service wrapper for Java).
      4. A Windows service running as a dedicated account (virtual account or gMSA),
         automatic start, restart on failure (SCM recovery actions).
      5. Data and configuration folders with ACLs for that account only.
      6. The service's configuration: host.conf (how to start Java) and ingest.env
         (storage connection string built from the configuration data, port, data folder).
      7. The secrets file (storage password, API key): from Azure Key Vault with the
         machine's Arc managed identity, or written by Start-HartIngest.ps1 from its
         environment. Secrets never appear in this configuration or in the MOF.
      8. Windows Firewall: the ingest port open to AllowedSources only.
      9. The Azure Connected Machine agent installed (connect it with arc/onboard-windows.ps1).
     10. The service running, and restarted when its release, configuration or secrets change.

    Resources: PSDscResources (MsiPackage, Archive, Service, Script) and the in-box
    File resource of PSDesiredStateConfiguration. Compile and apply with Start-HartIngest.ps1.
#>

Configuration HartIngest
{
    Import-DscResource -ModuleName PSDesiredStateConfiguration -Name File
    Import-DscResource -ModuleName PSDscResources -ModuleVersion 2.12.0.0

    # The service wrapper's source, embedded in the MOF and compiled on the node.
    $serviceHostSource = Get-Content -Raw -Path (Join-Path $PSScriptRoot 'HartServiceHost.cs')

    Node $AllNodes.NodeName
    {
        $releaseDir = Join-Path $Node.InstallRoot ('releases\' + $Node.ReleaseVersion)
        $appJar = Join-Path $releaseDir 'quarkus-app\quarkus-run.jar'
        $binDir = Join-Path $Node.InstallRoot 'bin'
        $hostExe = Join-Path $binDir 'HartServiceHost.exe'
        $configDir = Join-Path $Node.DataRoot 'config'
        $logDir = Join-Path $Node.DataRoot 'logs'
        $workDir = Join-Path $Node.DataRoot 'data'
        $hostConf = Join-Path $configDir 'host.conf'
        $settingsFile = Join-Path $configDir 'ingest.env'
        $secretsFile = Join-Path $configDir 'secrets.env'
        $stampFile = Join-Path $configDir 'applied.sha256'
        $javaExe = Join-Path $Node.JdkHome 'bin\java.exe'
        $serviceName = $Node.ServiceName
        $serviceAccount = $Node.ServiceAccount
        $serviceDisplayName = $Node.ServiceDisplayName
        $ingestPort = [int]$Node.IngestPort
        $secretSource = $Node.SecretSource
        $keyVaultName = $Node.KeyVaultName
        $keyVaultDnsSuffix = $Node.KeyVaultDnsSuffix
        $passwordSecretName = $Node.StoragePasswordSecretName
        $apiKeySecretName = $Node.ApiKeySecretName
        $arcAgentMsiPath = $Node.ArcAgentMsiPath
        $binaryPath = '"{0}" {1} "{2}"' -f $hostExe, $serviceName, $hostConf
        $storageUrl = 'jdbc:sqlserver://{0}:{1};databaseName={2};{3}' -f $Node.StorageHost, $Node.StoragePort, $Node.Database, $Node.JdbcOptions
        $sourcesText = ($Node.AllowedSources | Sort-Object) -join ','
        $firewallRuleName = 'Hartonomous-Ingest-' + $Node.IngestPort
        $firewallDescription = 'Hartonomous ingest tier (managed by DSC). port=' + $Node.IngestPort + ' sources=' + $sourcesText

        # host.conf: how HartServiceHost starts Java (one ARG line per argument).
        $hostConfLines = @(
            '# Managed by DSC (dsc/HartIngest.ps1): changes are overwritten.'
            ('JAVA=' + $javaExe)
        )
        foreach ($option in $Node.JavaOptions) { $hostConfLines += ('ARG=' + $option) }
        $hostConfLines += @(
            'ARG=-jar'
            ('ARG=' + $appJar)
            ('WORKDIR=' + $workDir)
            ('LOGDIR=' + $logDir)
            ('ENVFILE=' + $settingsFile)
            ('ENVFILE=' + $secretsFile)
        )

        # ingest.env: everything the ingest tier needs except the secrets.
        $settingsLines = @(
            '# Managed by DSC (dsc/HartIngest.ps1): changes are overwritten.'
            ('QUARKUS_HTTP_PORT=' + $Node.IngestPort)
            ('HART_INGEST_PORT=' + $Node.IngestPort)
            ('HART_HTTP_HOST=' + $Node.IngestBindAddress)
            ('HART_DATA=' + $workDir)
            ('HART_STORAGE_URL=' + $storageUrl)
            ('HART_STORAGE_USER=' + $Node.StorageUser)
        )

        # Shared by the Script resources below: ACL helper and Key Vault reader
        # (Arc managed identity: challenge file, then token, then the secret).
        $helpers = @'
function Set-HartAcl {
    param([string]$Path, [string]$Account, [string]$Rights, [switch]$Private)
    if ($Private) {
        & icacls.exe $Path /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "icacls failed on $Path" }
    }
    & icacls.exe $Path /grant ('{0}:(OI)(CI){1}' -f $Account, $Rights) | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls could not grant $Account $Rights on $Path" }
}
function Test-HartAcl {
    param([string]$Path, [string]$Account, [string]$Right)
    if (-not (Test-Path -LiteralPath $Path)) { return $false }
    $acl = Get-Acl -LiteralPath $Path
    foreach ($rule in $acl.Access) {
        if ($rule.IdentityReference.Value -eq $Account -and $rule.AccessControlType -eq 'Allow' -and
            ($rule.FileSystemRights.ToString() -match $Right)) { return $true }
    }
    return $false
}
function Get-HartKeyVaultSecret {
    param([string]$Vault, [string]$DnsSuffix, [string]$Name)
    $endpoint = $env:IDENTITY_ENDPOINT
    if (-not $endpoint) { $endpoint = 'http://localhost:40342/metadata/identity/oauth2/token' }
    $tokenUri = '{0}?api-version=2020-06-01&resource={1}' -f $endpoint, [uri]::EscapeDataString('https://' + $DnsSuffix)
    $challenge = $null
    try {
        Invoke-WebRequest -Uri $tokenUri -Headers @{ Metadata = 'true' } -UseBasicParsing | Out-Null
    } catch {
        if ($_.Exception.Response) { $challenge = $_.Exception.Response.Headers['WWW-Authenticate'] }
    }
    if (-not $challenge -or $challenge -notmatch 'Basic realm=(.+)$') {
        throw 'No managed identity challenge from the Arc agent: is this machine connected to Azure Arc (arc/onboard-windows.ps1)?'
    }
    $key = Get-Content -Raw -LiteralPath $Matches[1].Trim()
    $token = (Invoke-RestMethod -Uri $tokenUri -Headers @{ Metadata = 'true'; Authorization = "Basic $key" }).access_token
    $secretUri = 'https://{0}.{1}/secrets/{2}?api-version=7.4' -f $Vault, $DnsSuffix, $Name
    return (Invoke-RestMethod -Uri $secretUri -Headers @{ Authorization = "Bearer $token" }).value
}
function Get-HartSecretText {
    param([string]$Vault, [string]$DnsSuffix, [string]$PasswordName, [string]$ApiKeyName)
    $password = Get-HartKeyVaultSecret -Vault $Vault -DnsSuffix $DnsSuffix -Name $PasswordName
    $apiKey = Get-HartKeyVaultSecret -Vault $Vault -DnsSuffix $DnsSuffix -Name $ApiKeyName
    if (-not $password -or -not $apiKey) { throw "Key Vault $Vault returned an empty secret ($PasswordName / $ApiKeyName)." }
    return "# Managed by DSC from Key Vault $Vault`r`nHART_STORAGE_PASSWORD=$password`r`nHART_API_KEY=$apiKey`r`n"
}
'@

        # --- 1. JDK 25 -------------------------------------------------------------------
        MsiPackage Jdk25
        {
            ProductId = $Node.JdkProductId
            Path      = $Node.JdkMsiPath
            Ensure    = 'Present'
            Arguments = 'ADDLOCAL=FeatureMain,FeatureJavaHome INSTALLDIR="{0}"' -f $Node.JdkHome
            LogPath   = Join-Path $env:SystemRoot 'Temp\hartonomous-jdk25-msi.log'
        }

        # --- 2. Folders and the release -----------------------------------------------------
        File InstallRoot
        {
            DestinationPath = $Node.InstallRoot
            Type            = 'Directory'
            Ensure          = 'Present'
        }

        File BinDir
        {
            DestinationPath = $binDir
            Type            = 'Directory'
            Ensure          = 'Present'
            DependsOn       = '[File]InstallRoot'
        }

        File DataRoot
        {
            DestinationPath = $Node.DataRoot
            Type            = 'Directory'
            Ensure          = 'Present'
        }

        File ConfigDir
        {
            DestinationPath = $configDir
            Type            = 'Directory'
            Ensure          = 'Present'
            DependsOn       = '[File]DataRoot'
        }

        File LogDir
        {
            DestinationPath = $logDir
            Type            = 'Directory'
            Ensure          = 'Present'
            DependsOn       = '[File]DataRoot'
        }

        File WorkDir
        {
            DestinationPath = $workDir
            Type            = 'Directory'
            Ensure          = 'Present'
            DependsOn       = '[File]DataRoot'
        }

        Archive IngestRelease
        {
            Path        = $Node.IngestZipPath
            Destination = $releaseDir
            Ensure      = 'Present'
            Validate    = $true
            Checksum    = 'SHA-256'
            Force       = $true
            DependsOn   = '[File]InstallRoot'
        }

        # --- 3. The service wrapper -------------------------------------------------------------
        Script ServiceHostBinary
        {
            GetScript  = {
                @{ Result = (Test-Path -LiteralPath $using:hostExe) }
            }
            TestScript = {
                $stamp = $using:hostExe + '.sha256'
                $sha = [Security.Cryptography.SHA256]::Create()
                $wanted = [BitConverter]::ToString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($using:serviceHostSource))) -replace '-', ''
                (Test-Path -LiteralPath $using:hostExe) -and (Test-Path -LiteralPath $stamp) -and
                    ((Get-Content -Raw -LiteralPath $stamp).Trim() -eq $wanted)
            }
            SetScript  = {
                $service = Get-Service -Name $using:serviceName -ErrorAction SilentlyContinue
                if ($service -and $service.Status -ne 'Stopped') { Stop-Service -Name $using:serviceName -Force }
                if (Test-Path -LiteralPath $using:hostExe) { Remove-Item -LiteralPath $using:hostExe -Force }
                Add-Type -TypeDefinition $using:serviceHostSource -Language CSharp -OutputType ConsoleApplication `
                    -OutputAssembly $using:hostExe -ReferencedAssemblies 'System.ServiceProcess'
                $sha = [Security.Cryptography.SHA256]::Create()
                $hash = [BitConverter]::ToString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($using:serviceHostSource))) -replace '-', ''
                Set-Content -LiteralPath ($using:hostExe + '.sha256') -Value $hash -Encoding ASCII
            }
            DependsOn  = '[File]BinDir'
        }

        # --- 4. The Windows service (definition, account, recovery) --------------------------------
        Script ServiceDefinition
        {
            GetScript  = {
                $svc = Get-CimInstance -ClassName Win32_Service -Filter ("Name='{0}'" -f $using:serviceName)
                @{ Result = if ($svc) { '{0} as {1} ({2})' -f $svc.PathName, $svc.StartName, $svc.StartMode } else { 'absent' } }
            }
            TestScript = {
                $svc = Get-CimInstance -ClassName Win32_Service -Filter ("Name='{0}'" -f $using:serviceName)
                if (-not $svc) { return $false }
                $failure = (& sc.exe qfailure $using:serviceName) -join "`n"
                ($svc.PathName -eq $using:binaryPath) -and ($svc.StartName -eq $using:serviceAccount) -and
                    ($svc.StartMode -eq 'Auto') -and ($failure -match 'RESTART')
            }
            SetScript  = {
                $name = $using:serviceName
                $svc = Get-CimInstance -ClassName Win32_Service -Filter ("Name='{0}'" -f $name)
                if (-not $svc) {
                    New-Service -Name $name -BinaryPathName $using:binaryPath -DisplayName $using:serviceDisplayName `
                        -Description 'Hartonomous ingest tier (POST /ingest/{image|audio|model}). Managed by DSC.' `
                        -StartupType Automatic | Out-Null
                } else {
                    Set-ItemProperty -Path ('HKLM:\SYSTEM\CurrentControlSet\Services\' + $name) -Name ImagePath -Value $using:binaryPath
                }
                # A virtual account (NT SERVICE\<name>) needs the service SID: set it before the account.
                & sc.exe sidtype $name unrestricted | Out-Null
                & sc.exe config $name start= auto obj= $using:serviceAccount | Out-Null
                if ($LASTEXITCODE -ne 0) { throw "sc.exe config $name obj= $($using:serviceAccount) failed ($LASTEXITCODE)" }
                # Restart after 5 s, 15 s, then every 60 s; the failure count resets after a day.
                & sc.exe failure $name reset= 86400 actions= restart/5000/restart/15000/restart/60000 | Out-Null
                if ($LASTEXITCODE -ne 0) { throw "sc.exe failure $name failed ($LASTEXITCODE)" }
                # Also apply the recovery actions when the host exits with a non-zero code.
                & sc.exe failureflag $name 1 | Out-Null
            }
            DependsOn  = '[Script]ServiceHostBinary'
        }

        # --- 5. ACLs: the service account may write its data and read its configuration ---------------
        Script Permissions
        {
            GetScript  = {
                @{ Result = (Get-Acl -LiteralPath $using:configDir).AccessToString }
            }
            TestScript = {
                . ([scriptblock]::Create($using:helpers))
                (Test-HartAcl -Path $using:workDir -Account $using:serviceAccount -Right 'Modify') -and
                    (Test-HartAcl -Path $using:logDir -Account $using:serviceAccount -Right 'Modify') -and
                    (Test-HartAcl -Path $using:configDir -Account $using:serviceAccount -Right 'Read') -and
                    (Get-Acl -LiteralPath $using:configDir).AreAccessRulesProtected
            }
            SetScript  = {
                . ([scriptblock]::Create($using:helpers))
                Set-HartAcl -Path $using:workDir -Account $using:serviceAccount -Rights 'M'
                Set-HartAcl -Path $using:logDir -Account $using:serviceAccount -Rights 'M'
                # The configuration holds secrets: SYSTEM, Administrators and the service account only.
                Set-HartAcl -Path $using:configDir -Account $using:serviceAccount -Rights 'RX' -Private
            }
            DependsOn  = '[Script]ServiceDefinition', '[File]ConfigDir', '[File]LogDir', '[File]WorkDir'
        }

        # --- 6. Configuration files ------------------------------------------------------------------------
        File HostConf
        {
            DestinationPath = $hostConf
            Type            = 'File'
            Contents        = ($hostConfLines -join "`r`n") + "`r`n"
            Ensure          = 'Present'
            DependsOn       = '[Script]Permissions'
        }

        File IngestSettings
        {
            DestinationPath = $settingsFile
            Type            = 'File'
            Contents        = ($settingsLines -join "`r`n") + "`r`n"
            Ensure          = 'Present'
            DependsOn       = '[Script]Permissions'
        }

        # --- 7. Secrets (never in the MOF) -----------------------------------------------------------------
        Script Secrets
        {
            GetScript  = {
                @{ Result = if (Test-Path -LiteralPath $using:secretsFile) { 'present' } else { 'absent' } }
            }
            TestScript = {
                $path = $using:secretsFile
                if (-not (Test-Path -LiteralPath $path)) { return $false }
                $text = Get-Content -Raw -LiteralPath $path
                if ($text -notmatch '(?m)^HART_STORAGE_PASSWORD=.+' -or $text -notmatch '(?m)^HART_API_KEY=.+') { return $false }
                if ($using:secretSource -ne 'KeyVault') { return $true }
                . ([scriptblock]::Create($using:helpers))
                $wanted = Get-HartSecretText -Vault $using:keyVaultName -DnsSuffix $using:keyVaultDnsSuffix `
                    -PasswordName $using:passwordSecretName -ApiKeyName $using:apiKeySecretName
                return ($text -eq $wanted)
            }
            SetScript  = {
                if ($using:secretSource -ne 'KeyVault') {
                    throw ('{0} is missing or incomplete. Run Start-HartIngest.ps1 with HART_INGEST_DB_PASSWORD and HART_API_KEY set, ' +
                        'or use SecretSource = ''KeyVault''.') -f $using:secretsFile
                }
                . ([scriptblock]::Create($using:helpers))
                $text = Get-HartSecretText -Vault $using:keyVaultName -DnsSuffix $using:keyVaultDnsSuffix `
                    -PasswordName $using:passwordSecretName -ApiKeyName $using:apiKeySecretName
                [IO.File]::WriteAllText($using:secretsFile, $text, (New-Object Text.UTF8Encoding($false)))
            }
            DependsOn  = '[Script]Permissions'
        }

        # --- 8. Windows Firewall: the ingest port, from AllowedSources only ------------------------------
        Script FirewallRule
        {
            GetScript  = {
                $rule = Get-NetFirewallRule -Name $using:firewallRuleName -ErrorAction SilentlyContinue
                @{ Result = if ($rule) { $rule.Description } else { 'absent' } }
            }
            TestScript = {
                $rule = Get-NetFirewallRule -Name $using:firewallRuleName -ErrorAction SilentlyContinue
                if (-not $rule) { return $false }
                $ports = $rule | Get-NetFirewallPortFilter
                # Windows stores 10.20.0.0/24 as 10.20.0.0/255.255.255.0: compare the count and rule
                # out "Any"; the description records the exact list this rule was made from.
                $remote = @(($rule | Get-NetFirewallAddressFilter).RemoteAddress)
                ($rule.Enabled -eq 'True') -and ($rule.Action -eq 'Allow') -and ($rule.Direction -eq 'Inbound') -and
                    ($rule.Description -eq $using:firewallDescription) -and ("$($ports.LocalPort)" -eq "$($using:ingestPort)") -and
                    ($ports.Protocol -eq 'TCP') -and ($remote -notcontains 'Any') -and
                    ($remote.Count -eq @($using:sourcesText -split ',').Count)
            }
            SetScript  = {
                Get-NetFirewallRule -Name $using:firewallRuleName -ErrorAction SilentlyContinue | Remove-NetFirewallRule
                New-NetFirewallRule -Name $using:firewallRuleName -DisplayName ('Hartonomous ingest (TCP {0})' -f $using:ingestPort) `
                    -Description $using:firewallDescription -Direction Inbound -Protocol TCP -LocalPort $using:ingestPort `
                    -RemoteAddress ($using:sourcesText -split ',') -Action Allow -Profile Any -Enabled True | Out-Null
            }
        }

        # --- 9. Azure Connected Machine agent ---------------------------------------------------------------
        Script ArcAgent
        {
            GetScript  = {
                $svc = Get-Service -Name himds -ErrorAction SilentlyContinue
                @{ Result = if ($svc) { [string]$svc.Status } else { 'not installed' } }
            }
            TestScript = {
                [bool](Get-Service -Name himds -ErrorAction SilentlyContinue)
            }
            SetScript  = {
                $log = Join-Path $env:SystemRoot 'Temp\hartonomous-arc-agent-msi.log'
                $process = Start-Process -FilePath msiexec.exe -Wait -PassThru -ArgumentList @(
                    '/i', ('"{0}"' -f $using:arcAgentMsiPath), '/qn', '/norestart', '/l*v', ('"{0}"' -f $log))
                if ($process.ExitCode -ne 0 -and $process.ExitCode -ne 3010) {
                    throw "Installing the Azure Connected Machine agent failed (msiexec exit $($process.ExitCode)); see $log"
                }
            }
        }

        # --- 10. Running, and restarted when anything it reads changes ---------------------------------------
        Service IngestService
        {
            Name        = $serviceName
            Ensure      = 'Present'
            StartupType = 'Automatic'
            State       = 'Running'
            DependsOn   = '[Script]ServiceDefinition', '[MsiPackage]Jdk25', '[Archive]IngestRelease', '[File]HostConf',
                          '[File]IngestSettings', '[Script]Secrets'
        }

        Script RestartOnChange
        {
            GetScript  = {
                @{ Result = if (Test-Path -LiteralPath $using:stampFile) { (Get-Content -Raw -LiteralPath $using:stampFile).Trim() } else { 'none' } }
            }
            TestScript = {
                $files = @($using:hostConf, $using:settingsFile, $using:secretsFile, $using:appJar, $using:hostExe)
                $current = ($files | ForEach-Object { (Get-FileHash -LiteralPath $_ -Algorithm SHA256).Hash }) -join ''
                (Test-Path -LiteralPath $using:stampFile) -and ((Get-Content -Raw -LiteralPath $using:stampFile).Trim() -eq $current)
            }
            SetScript  = {
                Restart-Service -Name $using:serviceName -Force
                $files = @($using:hostConf, $using:settingsFile, $using:secretsFile, $using:appJar, $using:hostExe)
                $current = ($files | ForEach-Object { (Get-FileHash -LiteralPath $_ -Algorithm SHA256).Hash }) -join ''
                Set-Content -LiteralPath $using:stampFile -Value $current -Encoding ASCII
            }
            DependsOn  = '[Service]IngestService'
        }
    }
}
