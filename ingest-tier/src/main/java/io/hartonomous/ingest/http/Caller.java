package io.hartonomous.ingest.http;

import io.hartonomous.storage.contract.keys.TenantApiKey;

/** Who is calling: the API key the request authenticated with. Set by {@link ApiKeyFilter}. */
public record Caller(TenantApiKey key) {
    static final String PROPERTY = Caller.class.getName();

    public String tenantId() {
        return key.tenantId();
    }
}
