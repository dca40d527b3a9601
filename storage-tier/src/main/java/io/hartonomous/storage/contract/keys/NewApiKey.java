package io.hartonomous.storage.contract.keys;

import io.hartonomous.storage.contract.Tenants;

import java.time.Instant;
import java.util.Set;

/** A key to register; the caller generated the key and passes only its hash. */
public record NewApiKey(String tenantId, String name, KeyHash keyHash, Set<Scope> scopes, int rateLimitPerMinute,
                        Instant expiresAt) {
    public NewApiKey {
        Tenants.requireValid(tenantId);
        if (keyHash == null || scopes == null || scopes.isEmpty()) {
            throw new IllegalArgumentException("a key needs a hash and at least one scope");
        }
        if (rateLimitPerMinute < 1) {
            throw new IllegalArgumentException("rateLimitPerMinute must be at least 1");
        }
        scopes = Set.copyOf(scopes);
    }
}
