package io.hartonomous.api.jobs;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.edge.config.EdgeConfig;
import io.hartonomous.edge.keys.ApiAccessException;
import io.hartonomous.storage.contract.keys.Scope;

/**
 * Which tenant a deletion request acts for: the caller's own, or with {@code ?tenant=} another one, which takes an
 * admin-scope key of the bootstrap tenant (the rule of the admin key endpoints: other tenants' admins manage only
 * their own tenant).
 */
final class TenantChoice {
    private TenantChoice() {
    }

    static String actingTenant(MeteredCaller caller, EdgeConfig edge, String requested) {
        if (requested == null || requested.isBlank() || requested.equals(caller.tenant())) {
            return caller.tenant();
        }
        if (!isOperator(caller, edge)) {
            throw new ApiAccessException.Forbidden("deleting for tenant '" + requested + "' takes an admin key of the "
                    + "bootstrap tenant; this key is tenant '" + caller.tenant() + "'s");
        }
        return requested;
    }

    static boolean maySee(MeteredCaller caller, EdgeConfig edge, String jobTenant) {
        return caller.tenant().equals(jobTenant) || isOperator(caller, edge);
    }

    private static boolean isOperator(MeteredCaller caller, EdgeConfig edge) {
        return caller.key().scopes().contains(Scope.ADMIN) && edge.api().bootstrapTenant().equals(caller.tenant());
    }
}
