package io.hartonomous.api.jobs;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Operator;
import io.hartonomous.edge.keys.ApiAccessException;

/**
 * Which tenant a deletion request acts for: the caller's own, or with {@code ?tenant=} another one, which takes an
 * admin-scope key of the operator (the rule of the admin key endpoints: other tenants' admins manage only their own
 * tenant).
 */
final class TenantChoice {
    private TenantChoice() {
    }

    static String actingTenant(MeteredCaller caller, Operator operator, String requested) {
        if (requested == null || requested.isBlank() || requested.equals(caller.tenant())) {
            return caller.tenant();
        }
        if (!operator.isCallerWithAdminKey()) {
            throw new ApiAccessException.Forbidden("deleting for tenant '" + requested + "' takes an admin key of the "
                    + "bootstrap tenant; this key is tenant '" + caller.tenant() + "'s");
        }
        return requested;
    }

    static boolean maySee(MeteredCaller caller, Operator operator, String jobTenant) {
        return caller.tenant().equals(jobTenant) || operator.isCallerWithAdminKey();
    }
}
