package io.hartonomous.edge.ratelimit;

import io.hartonomous.edge.keys.ApiAccessException;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key token buckets: a key may burst up to its {@code rateLimitPerMinute} and refills at that rate. State is
 * this process's: each tier keeps its own buckets, so a key gets its limit at the API and again at the ingest tier.
 */
@ApplicationScoped
public class RateLimiter {
    private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

    /** Takes one request from the key's bucket, or throws {@link ApiAccessException.RateLimited}. */
    public void acquire(TenantApiKey key) {
        int perMinute = key.rateLimitPerMinute();
        Bucket bucket = buckets.compute(key.keyId(),
                (id, b) -> b == null || b.perMinute != perMinute ? new Bucket(perMinute) : b);
        long waitNanos = bucket.take(System.nanoTime());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw new ApiAccessException.RateLimited("the API key's limit of " + perMinute
                    + " requests per minute is used up; retry in " + seconds + " s", seconds);
        }
    }

    private static final class Bucket {
        private final int perMinute;
        private final double nanosPerToken;
        private double tokens;
        private long lastNanos;

        Bucket(int perMinute) {
            this.perMinute = perMinute;
            this.nanosPerToken = 60e9 / perMinute;
            this.tokens = perMinute;
            this.lastNanos = System.nanoTime();
        }

        /** 0 when a token was taken, else nanoseconds until one is available. */
        synchronized long take(long now) {
            tokens = Math.min(perMinute, tokens + (now - lastNanos) / nanosPerToken);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * nanosPerToken);
        }
    }
}
