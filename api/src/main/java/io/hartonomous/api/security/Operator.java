package io.hartonomous.api.security;

import io.hartonomous.edge.config.EdgeConfig;
import io.hartonomous.edge.keys.ApiAccessException;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * The one rule for engine-wide work (queues, dead letters, the OODA loop, rate plans, acting for another tenant):
 * the operator is a caller of the bootstrap tenant, which manages every tenant; other tenants' keys manage only their
 * own tenant.
 */
@RequestScoped
public class Operator {
    @Inject
    MeteredCaller caller;
    @Inject
    EdgeConfig edge;

    /** The bootstrap tenant's id. */
    public String tenant() {
        return edge.api().bootstrapTenant();
    }

    /** Whether the caller's key is one of the bootstrap tenant's. */
    public boolean isCaller() {
        return tenant().equals(caller.tenant());
    }

    /** Whether the caller holds an admin-scope key of the bootstrap tenant. */
    public boolean isCallerWithAdminKey() {
        return isCaller() && caller.key().scopes().contains(Scope.ADMIN);
    }

    /** 403 for anyone but the operator; {@code what} says what is engine-wide (e.g. "the OODA loop tunes ..."). */
    public void require(String what) {
        if (!isCaller()) {
            throw new ApiAccessException.Forbidden(what + ": only admin keys of tenant '" + tenant()
                    + "' may do this");
        }
    }
}
