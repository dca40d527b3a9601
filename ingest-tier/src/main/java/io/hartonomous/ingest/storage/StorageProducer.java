package io.hartonomous.ingest.storage;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the storage tier named by {@code hart.storage.url}; the contract is this tier's only door to it. Without a
 * URL the embedded engine runs on a file database in {@code hart.data}.
 */
public final class StorageProducer {

    /** Application-scoped (a lazy proxy): JAX-RS providers are built at static init, before the pool may open. */
    @Produces
    @ApplicationScoped
    StorageEngine storage(@ConfigProperty(name = "hart.storage.url") Optional<String> url,
                          @ConfigProperty(name = "hart.data") String data,
                          @ConfigProperty(name = "hart.storage.user", defaultValue = "hart") String user,
                          @ConfigProperty(name = "hart.storage.password") Optional<String> password,
                          @ConfigProperty(name = "hart.storage.pool-size", defaultValue = "8") int poolSize) {
        return StorageEngines.open(new StorageConfig(LocalStorage.urlOrEmbedded(url, Path.of(data)), user, password.orElse(""), poolSize, false));
    }

    void close(@Disposes StorageEngine engine) {
        engine.close();
    }
}
