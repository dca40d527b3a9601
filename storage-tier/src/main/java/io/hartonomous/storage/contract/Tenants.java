package io.hartonomous.storage.contract;

import java.util.regex.Pattern;

/** Tenant id rules, shared by every engine (the id also goes into SQL Server's SESSION_CONTEXT). */
public final class Tenants {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Tenants() {
    }

    public static String requireValid(String tenantId) {
        if (tenantId == null || !VALID.matcher(tenantId).matches()) {
            throw new IllegalArgumentException("tenant id '" + tenantId
                    + "' is invalid: 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return tenantId;
    }
}
