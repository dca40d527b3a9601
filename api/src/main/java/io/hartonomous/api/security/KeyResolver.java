package io.hartonomous.api.security;

import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presented key → stored key, by SHA-256. Lookups are cached for {@code hart.api.key-cache-ttl} so a request does
 * not cost a key query; expiry is checked on every request, and revocations through this API evict at once
 * (revocations made elsewhere take effect within the TTL).
 */
@ApplicationScoped
public class KeyResolver {
    private static final int MAX_CACHED = 10_000;

    private record Cached(Optional<TenantApiKey> key, long loadedAtNanos) {
    }

    private final StorageEngine storage;
    private final long ttlNanos;
    private final Map<KeyHash, Cached> cache = new ConcurrentHashMap<>();

    KeyResolver(StorageEngine storage, @ConfigProperty(name = "hart.api.key-cache-ttl") Duration ttl) {
        this.storage = storage;
        this.ttlNanos = ttl.toNanos();
    }

    /** The usable key behind the presented one, or {@link ApiAccessException.Unauthenticated}. */
    public TenantApiKey resolve(String presented) {
        if (presented == null || presented.isBlank()) {
            throw new ApiAccessException.Unauthenticated("this request needs an API key in the "
                    + ApiKeys.HEADER + " header");
        }
        if (presented.length() > ApiKeys.MAX_LENGTH) {
            throw new ApiAccessException.Unauthenticated("the API key is not valid");
        }
        TenantApiKey key = lookup(KeyHash.ofKey(presented.strip()))
                .orElseThrow(() -> new ApiAccessException.Unauthenticated("the API key is not valid"));
        Instant now = Instant.now();
        if (key.revokedAt() != null) {
            throw new ApiAccessException.Unauthenticated("the API key was revoked at " + key.revokedAt());
        }
        if (!key.usableAt(now)) {
            throw new ApiAccessException.Unauthenticated("the API key expired at " + key.expiresAt());
        }
        return key;
    }

    private Optional<TenantApiKey> lookup(KeyHash hash) {
        long now = System.nanoTime();
        Cached cached = cache.get(hash);
        if (cached != null && now - cached.loadedAtNanos() < ttlNanos) {
            return cached.key();
        }
        Optional<TenantApiKey> key = storage.apiKeys().findByHash(hash);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(hash, new Cached(key, now));
        return key;
    }

    /** Forgets a key (after it was revoked here). */
    public void evict(long keyId) {
        cache.values().removeIf(c -> c.key().map(k -> k.keyId() == keyId).orElse(false));
    }
}
