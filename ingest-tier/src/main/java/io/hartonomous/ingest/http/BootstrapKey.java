package io.hartonomous.ingest.http;

import io.hartonomous.storage.local.BootstrapKeys;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Makes sure the bootstrap admin key ({@link BootstrapKeys}) exists in storage. The API does the same at its start;
 * whichever comes first registers it.
 */
@ApplicationScoped
public final class BootstrapKey {
    void register(@Observes StartupEvent start, StorageEngine storage,
                  @ConfigProperty(name = "hart.api.key") Optional<String> configured,
                  @ConfigProperty(name = "hart.api.bootstrap-tenant", defaultValue = "default") String tenant,
                  @ConfigProperty(name = "hart.api.bootstrap-rate-limit", defaultValue = "6000000") int rateLimit,
                  @ConfigProperty(name = "hart.data") String data) {
        BootstrapKeys.register(storage.apiKeys(), BootstrapKeys.resolve(configured, Path.of(data)), tenant, rateLimit);
    }
}
