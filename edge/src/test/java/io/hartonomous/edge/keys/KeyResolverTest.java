package io.hartonomous.edge.keys;

import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one key rule both tiers apply, against a real embedded engine. */
class KeyResolverTest {
    @TempDir
    static Path data;
    static StorageEngine storage;

    @BeforeAll
    static void open() {
        storage = StorageEngines.open(LocalStorage.embeddedFile(data));
    }

    @AfterAll
    static void close() {
        storage.close();
    }

    private static TenantApiKey create(String key, Instant expiresAt) {
        return storage.apiKeys().create(new NewApiKey("edge", "edge test key", KeyHash.ofKey(key), EnumSet.of(Scope.QUERY), 10,
                expiresAt));
    }

    private static ApiAccessException.Unauthenticated refusal(KeyResolver resolver, String header) {
        var thrown = org.junit.jupiter.api.Assertions.assertThrows(ApiAccessException.Unauthenticated.class,
                () -> resolver.resolve(header));
        assertThat(thrown.status()).isEqualTo(401);
        return thrown;
    }

    @Test
    void aStoredKeyResolvesWithTheSurroundingWhiteSpaceStripped() {
        TenantApiKey stored = create("edge-valid-key", null);
        KeyResolver resolver = new KeyResolver(storage, Duration.ofSeconds(5));
        assertThat(resolver.resolve("  edge-valid-key\t").keyId()).isEqualTo(stored.keyId());
    }

    @Test
    void missingKeysAndKeysOverTheLengthCapAreRefusedWithClearProblems() {
        KeyResolver resolver = new KeyResolver(storage, Duration.ofSeconds(5));
        for (String missing : new String[] {null, "", "   "}) {
            var e = refusal(resolver, missing);
            assertThat(e.title()).isEqualTo("Missing API key");
            assertThat(e.getMessage()).contains(PresentedKey.HEADER);
        }
        String longest = "k".repeat(PresentedKey.MAX_LENGTH);
        create(longest, null);
        assertThat(resolver.resolve(longest).tenantId()).isEqualTo("edge");
        var tooLong = refusal(resolver, longest + "k");
        assertThat(tooLong.title()).isEqualTo("Invalid API key");
        assertThat(tooLong.getMessage()).isEqualTo("the API key is not valid");
    }

    @Test
    void unknownRevokedAndExpiredKeysAreInvalid() {
        KeyResolver resolver = new KeyResolver(storage, Duration.ZERO);
        assertThat(refusal(resolver, "edge-unknown").getMessage()).isEqualTo("the API key is not valid");
        TenantApiKey revoked = create("edge-revoked", null);
        storage.apiKeys().revoke(revoked.keyId());
        assertThat(refusal(resolver, "edge-revoked").getMessage()).contains("revoked");
        create("edge-expired", Instant.now().minusSeconds(60));
        var expired = refusal(resolver, "edge-expired");
        assertThat(expired.title()).isEqualTo("Invalid API key");
        assertThat(expired.getMessage()).contains("expired");
    }

    @Test
    void aRevocationHereEvictsTheCachedKeyAtOnce() {
        KeyResolver resolver = new KeyResolver(storage, Duration.ofHours(1));
        TenantApiKey key = create("edge-cached", null);
        resolver.resolve("edge-cached");
        storage.apiKeys().revoke(key.keyId());
        assertThat(resolver.resolve("edge-cached").keyId()).as("cached within the TTL").isEqualTo(key.keyId());
        resolver.evict(key.keyId());
        assertThatThrownBy(() -> resolver.resolve("edge-cached")).isInstanceOf(ApiAccessException.Unauthenticated.class)
                .hasMessageContaining("revoked");
    }
}
