package io.hartonomous.edge.keys;

import io.hartonomous.edge.config.EdgeConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presented key → stored key, by SHA-256. Lookups are cached for {@code hart.api.key-cache-ttl} so a request does
 * not cost a key query; expiry is checked on every request, and revocations through this process evict at once
 * (revocations made elsewhere, e.g. through the API for the ingest tier, take effect within the TTL).
 */
@ApplicationScoped
public class KeyResolver {
    private static final int MAX_CACHED = 10_000;

    private record Cached(Optional<TenantApiKey> key, long loadedAtNanos) {
    }

    private final StorageEngine storage;
    private final long ttlNanos;
    private final Map<KeyHash, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    KeyResolver(StorageEngine storage, EdgeConfig config) {
        this(storage, config.api().keyCacheTtl());
    }

    KeyResolver(StorageEngine storage, Duration ttl) {
        this.storage = storage;
        this.ttlNanos = ttl.toNanos();
    }

    /** The usable key behind the presented header value, or {@link ApiAccessException.Unauthenticated}. */
    public TenantApiKey resolve(String header) {
        TenantApiKey key = lookup(KeyHash.ofKey(PresentedKey.parse(header)))
                .orElseThrow(() -> ApiAccessException.Unauthenticated.invalid("the API key is not valid"));
        if (key.revokedAt() != null) {
            throw ApiAccessException.Unauthenticated.invalid("the API key was revoked at " + key.revokedAt());
        }
        if (!key.usableAt(Instant.now())) {
            throw ApiAccessException.Unauthenticated.invalid("the API key expired at " + key.expiresAt());
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
