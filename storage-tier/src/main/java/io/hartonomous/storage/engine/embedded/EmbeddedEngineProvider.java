package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngineProvider;

/** Serves {@code jdbc:h2:} URLs: a file database in-process, or the H2 TCP server that {@code ./hart serve} runs. */
public final class EmbeddedEngineProvider implements StorageEngineProvider {
    @Override
    public boolean accepts(StorageConfig config) {
        return config.url().startsWith("jdbc:h2:");
    }

    @Override
    public StorageEngine open(StorageConfig config) {
        return EmbeddedEngine.open(config);
    }
}
