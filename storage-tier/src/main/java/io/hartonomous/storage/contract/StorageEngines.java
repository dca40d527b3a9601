package io.hartonomous.storage.contract;

import java.util.ServiceLoader;

/** Opens the engine whose provider accepts the configuration's URL. */
public final class StorageEngines {
    private StorageEngines() {
    }

    public static StorageEngine open(StorageConfig config) {
        for (StorageEngineProvider provider : ServiceLoader.load(StorageEngineProvider.class)) {
            if (provider.accepts(config)) {
                return provider.open(config);
            }
        }
        throw new IllegalArgumentException("no storage engine accepts the URL '" + config.url()
                + "' (expected jdbc:h2:... for the embedded engine or jdbc:sqlserver:... for SQL Server 2025)");
    }
}
