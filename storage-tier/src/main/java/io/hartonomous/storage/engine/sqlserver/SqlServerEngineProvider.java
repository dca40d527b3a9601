package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngineProvider;

/** Serves {@code jdbc:sqlserver:} URLs: SQL Server 2025 with sql/ deployed. */
public final class SqlServerEngineProvider implements StorageEngineProvider {
    static final String URL_PREFIX = "jdbc:sqlserver:";

    @Override
    public boolean accepts(StorageConfig config) {
        return config.url().regionMatches(true, 0, URL_PREFIX, 0, URL_PREFIX.length());
    }

    @Override
    public StorageEngine open(StorageConfig config) {
        return SqlServerEngine.open(config);
    }
}
