package io.hartonomous.storage.contract.keys;

import java.time.Instant;
import java.util.Set;

/** An API key as stored: only the SHA-256 of the key, never the key itself. */
public record TenantApiKey(long keyId, String tenantId, String name, KeyHash keyHash, Set<Scope> scopes,
                           int rateLimitPerMinute, Instant expiresAt, Instant revokedAt, Instant createdAt) {
    public TenantApiKey {
        scopes = Set.copyOf(scopes);
    }

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
