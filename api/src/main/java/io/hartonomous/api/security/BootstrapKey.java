package io.hartonomous.api.security;

import io.hartonomous.api.storage.Writes;
import io.hartonomous.storage.local.BootstrapKeys;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Registers the bootstrap admin key ({@link BootstrapKeys}) for the bootstrap tenant at start, unless it is
 * registered already (the ingest tier does the same at its start; whichever comes first registers it).
 */
@ApplicationScoped
public class BootstrapKey {
    private static final Logger LOG = Logger.getLogger(BootstrapKey.class);

    private final StorageEngine storage;
    private final Optional<String> configured;
    private final Path dataDir;
    private final String tenant;
    private final int rateLimit;

    BootstrapKey(@Writes StorageEngine storage, @ConfigProperty(name = "hart.api.key") Optional<String> configured,
                 @ConfigProperty(name = "hart.data") String dataDir,
                 @ConfigProperty(name = "hart.api.bootstrap-tenant") String tenant,
                 @ConfigProperty(name = "hart.api.bootstrap-rate-limit") int rateLimit) {
        this.storage = storage;
        this.configured = configured;
        this.dataDir = Path.of(dataDir);
        this.tenant = tenant;
        this.rateLimit = rateLimit;
    }

    void onStart(@Observes StartupEvent event) {
        String key = BootstrapKeys.resolve(configured, dataDir);
        TenantApiKey registered = BootstrapKeys.register(storage.apiKeys(), key, tenant, rateLimit);
        LOG.infof("bootstrap API key: id %d, tenant '%s'%s", registered.keyId(), registered.tenantId(),
                configured.filter(k -> !k.isBlank()).isPresent() ? " (from HART_API_KEY)"
                        : " (kept in " + dataDir.resolve(BootstrapKeys.FILE_NAME).toAbsolutePath() + ")");
        if (!registered.usableAt(Instant.now())) {
            LOG.warnf("the bootstrap API key (id %d) is revoked or expired; admin calls need another admin key",
                    registered.keyId());
        }
    }
}
