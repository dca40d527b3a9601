package io.hartonomous.edge.storage;

import io.hartonomous.edge.config.EdgeConfig;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.local.LocalStorage;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Opens the storage tier named by {@code hart.storage.url}; the contract is a tier's only door to it. Without a URL
 * the embedded engine runs on a file database in {@code hart.data}. One pool by default; with read intent (or a
 * write URL) the default engine is the read pool and {@link Writes} a second, read-write one.
 */
@Singleton
public class StorageProducer {
    private final StorageEngine storage;
    private final StorageEngine writes;

    StorageProducer(EdgeConfig config) {
        EdgeConfig.Storage settings = config.storage();
        String url = LocalStorage.urlOrEmbedded(settings.url(), config.data());
        this.storage = open(settings, url, settings.poolSize(), settings.readIntent());
        boolean ownWritePool = settings.readIntent() || settings.writeUrl().isPresent();
        this.writes = ownWritePool ? open(settings, settings.writeUrl().orElse(url), settings.writePoolSize(), false)
                : storage;
    }

    private static StorageEngine open(EdgeConfig.Storage settings, String url, int poolSize, boolean readIntent) {
        return StorageEngines.open(new StorageConfig(url, settings.user(), settings.password().orElse(""), poolSize,
                readIntent));
    }

    /** Application-scoped (a lazy proxy): JAX-RS providers are built at static init, before the pool may open. */
    @Produces
    @ApplicationScoped
    StorageEngine storage() {
        return storage;
    }

    @Produces
    @ApplicationScoped
    @Writes
    StorageEngine writes() {
        return writes;
    }

    @PreDestroy
    void close() {
        if (writes != storage) {
            writes.close();
        }
        storage.close();
    }
}
