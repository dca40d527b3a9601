package io.hartonomous.edge.keys;

import io.hartonomous.storage.contract.keys.TenantApiKey;
import jakarta.enterprise.context.RequestScoped;

/** Who is calling: the API key the request authenticated with (set by {@link ApiKeyFilter}). */
@RequestScoped
public class Caller {
    private TenantApiKey key;

    void authenticate(TenantApiKey key) {
        this.key = key;
    }

    public boolean isAuthenticated() {
        return key != null;
    }

    public TenantApiKey key() {
        if (key == null) {
            throw new IllegalStateException("no authenticated caller");
        }
        return key;
    }

    public String tenant() {
        return key().tenantId();
    }
}
