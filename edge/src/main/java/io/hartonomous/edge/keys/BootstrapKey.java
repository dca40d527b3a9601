package io.hartonomous.edge.keys;

import io.hartonomous.edge.config.EdgeConfig;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import io.hartonomous.storage.local.BootstrapKeys;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Registers the bootstrap admin key ({@link BootstrapKeys}) for the bootstrap tenant at start, unless it is
 * registered already (both tiers do this at their start; whichever comes first registers it).
 */
@ApplicationScoped
public class BootstrapKey {
    private static final Logger LOG = Logger.getLogger(BootstrapKey.class);

    void onStart(@Observes StartupEvent event, @Writes StorageEngine storage, EdgeConfig config) {
        var settings = config.api();
        String key = BootstrapKeys.resolve(settings.key(), config.data());
        TenantApiKey registered = BootstrapKeys.register(storage.apiKeys(), key, settings.bootstrapTenant(),
                settings.bootstrapRateLimit());
        LOG.infof("bootstrap API key: id %d, tenant '%s'%s", registered.keyId(), registered.tenantId(),
                settings.key().filter(k -> !k.isBlank()).isPresent() ? " (from HART_API_KEY)"
                        : " (kept in " + config.data().resolve(BootstrapKeys.FILE_NAME).toAbsolutePath() + ")");
        if (!registered.usableAt(Instant.now())) {
            LOG.warnf("the bootstrap API key (id %d) is revoked or expired; admin calls need another admin key",
                    registered.keyId());
        }
    }
}
