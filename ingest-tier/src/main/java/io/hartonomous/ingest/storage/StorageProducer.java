package io.hartonomous.ingest.storage;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/** Opens the storage tier named by {@code hart.storage.url}; the contract is this tier's only door to it. */
public final class StorageProducer {

    @Produces
    @Singleton
    StorageEngine storage(@ConfigProperty(name = "hart.storage.url") String url,
                          @ConfigProperty(name = "hart.storage.user", defaultValue = "hart") String user,
                          @ConfigProperty(name = "hart.storage.password") Optional<String> password,
                          @ConfigProperty(name = "hart.storage.pool-size", defaultValue = "8") int poolSize) {
        return StorageEngines.open(new StorageConfig(url, user, password.orElse(""), poolSize, false));
    }

    void close(@Disposes StorageEngine engine) {
        engine.close();
    }
}
