package io.hartonomous.api.storage;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the storage tier named by {@code hart.storage.url}; the contract is this tier's only door to it. Two pools:
 * the default engine asks for read intent (every query), {@link Writes} is read-write for the API's few writes.
 * Without a URL the embedded engine runs on a file database in {@code hart.data}.
 */
public final class StorageProducer {

    @Produces
    @Singleton
    StorageEngine storage(@ConfigProperty(name = "hart.storage.url") Optional<String> url,
                          @ConfigProperty(name = "hart.data") String data,
                          @ConfigProperty(name = "hart.storage.user", defaultValue = "hart") String user,
                          @ConfigProperty(name = "hart.storage.password") Optional<String> password,
                          @ConfigProperty(name = "hart.storage.pool-size", defaultValue = "8") int poolSize) {
        return StorageEngines.open(new StorageConfig(resolve(url, data), user, password.orElse(""), poolSize, true));
    }

    @Produces
    @Singleton
    @Writes
    StorageEngine writer(@ConfigProperty(name = "hart.storage.write-url") Optional<String> writeUrl,
                         @ConfigProperty(name = "hart.storage.url") Optional<String> url,
                         @ConfigProperty(name = "hart.data") String data,
                         @ConfigProperty(name = "hart.storage.user", defaultValue = "hart") String user,
                         @ConfigProperty(name = "hart.storage.password") Optional<String> password,
                         @ConfigProperty(name = "hart.storage.write-pool-size", defaultValue = "4") int poolSize) {
        String target = writeUrl.filter(u -> !u.isBlank()).orElseGet(() -> resolve(url, data));
        return StorageEngines.open(new StorageConfig(target, user, password.orElse(""), poolSize, false));
    }

    private static String resolve(Optional<String> url, String data) {
        return LocalStorage.urlOrEmbedded(url, Path.of(data));
    }

    void close(@Disposes StorageEngine engine) {
        engine.close();
    }

    void closeWriter(@Disposes @Writes StorageEngine engine) {
        engine.close();
    }
}
