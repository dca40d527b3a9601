package io.hartonomous.api.admin.queues;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.edge.config.EdgeConfig;
import io.hartonomous.edge.keys.ApiAccessException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * Queues and dead letters are engine-wide (a dead provenance change may be any tenant's), so only admin keys of the
 * bootstrap tenant, which manage every tenant, may see or change them.
 */
@RequestScoped
public class EngineWideAdmin {
    @Inject
    MeteredCaller caller;
    @Inject
    EdgeConfig edge;

    void require() {
        if (!edge.api().bootstrapTenant().equals(caller.tenant())) {
            throw new ApiAccessException.Forbidden("queues and dead letters hold every tenant's messages: only admin "
                    + "keys of tenant '" + edge.api().bootstrapTenant() + "' may manage them");
        }
    }
}
