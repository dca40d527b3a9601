package io.hartonomous.edge.ratelimit;

import io.hartonomous.edge.keys.ApiAccessException;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {
    private static TenantApiKey key(long id, int perMinute) {
        return new TenantApiKey(id, "t", null, KeyHash.ofKey("k" + id), Set.of(Scope.QUERY), perMinute, null, null,
                Instant.now());
    }

    @Test
    void aKeyBurstsUpToItsLimitThenWaitsForTheRefill() {
        RateLimiter limiter = new RateLimiter();
        TenantApiKey k = key(1, 60);
        for (int i = 0; i < 60; i++) {
            limiter.acquire(k);
        }
        assertThatThrownBy(() -> limiter.acquire(k)).isInstanceOfSatisfying(ApiAccessException.RateLimited.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
        limiter.acquire(key(2, 60)); // buckets are per key
    }
}
