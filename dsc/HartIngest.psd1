# Configuration data for the HartIngest DSC configuration (dsc/HartIngest.ps1).
# Copy this file per environment, edit the values, and pass it to
#   .\Start-HartIngest.ps1 -ConfigurationDataPath .\HartIngest.prod.psd1
# No secret belongs here: passwords come from the environment or Azure Key Vault
# (see SecretSource below and dsc/README.md).
@{
    AllNodes = @(
        @{
            NodeName                    = 'localhost'

            # --- JDK 25 (Microsoft Build of OpenJDK MSI, from a share or a local path) ---
            JdkMsiPath                  = '\\fileserver\software\microsoft-jdk-25-windows-x64.msi'
            # MSI ProductCode of that file. Leave empty: Start-HartIngest.ps1 reads it from the MSI.
            JdkProductId                = ''
            JdkHome                     = 'C:\Program Files\Microsoft\jdk-25'

            # --- Ingest tier release (ansible/package-artifacts.sh writes hart-ingest-<version>.zip) ---
            ReleaseVersion              = '0.1.0'
            IngestZipPath               = '\\fileserver\hartonomous\hart-ingest-0.1.0.zip'
            InstallRoot                 = 'C:\Program Files\Hartonomous\ingest'
            DataRoot                    = 'C:\ProgramData\Hartonomous\ingest'

            # --- Windows service ---
            ServiceName                 = 'HartonomousIngest'
            ServiceDisplayName          = 'Hartonomous ingest tier'
            # Dedicated account: the service's virtual account (no password to manage),
            # or a group managed service account such as 'CONTOSO\svc-hart-ingest$'.
            ServiceAccount              = 'NT SERVICE\HartonomousIngest'
            JavaOptions                 = @('--add-modules', 'jdk.incubator.vector', '-XX:+UseG1GC', '-XX:MaxRAMPercentage=50')

            # --- Network ---
            IngestPort                  = 8081
            # Interface the ingest tier listens on (HART_HTTP_HOST; its default is loopback only):
            # all of them, so that remote clients reach it through the firewall rule below.
            IngestBindAddress           = '0.0.0.0'
            # Only these addresses/networks may reach the ingest port (Windows Firewall).
            AllowedSources              = @('10.20.0.0/24')

            # --- Storage tier connection (SQL Server 2025 on the Linux storage host) ---
            StorageHost                 = 'hart-storage-01.corp.example'
            StoragePort                 = 1433
            Database                    = 'Hartonomous'
            StorageUser                 = 'hart_ingest_login'
            # Appended to the JDBC URL; the JDK must trust the SQL Server certificate's issuer.
            JdbcOptions                 = 'encrypt=true;trustServerCertificate=false'

            # --- Secrets: HART_STORAGE_PASSWORD and HART_API_KEY of the ingest tier ---
            # 'Environment': Start-HartIngest.ps1 reads HART_INGEST_DB_PASSWORD and HART_API_KEY
            #                from its own environment and writes them to the protected secrets file.
            # 'KeyVault':    DSC reads the secrets from Azure Key Vault with the Arc machine's
            #                managed identity at every consistency check (rotation is picked up).
            SecretSource                = 'Environment'
            KeyVaultName                = ''
            KeyVaultDnsSuffix           = 'vault.azure.net'
            StoragePasswordSecretName   = 'hart-ingest-db-password'
            ApiKeySecretName            = 'hart-api-key'

            # --- Azure Arc agent (onboarding itself: arc/onboard-windows.ps1) ---
            ArcAgentMsiPath             = '\\fileserver\software\AzureConnectedMachineAgent.msi'
        }
    )
}
