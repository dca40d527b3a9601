package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API keys, usage, row counts, reachability. */
public abstract class OperationsContract extends StorageContractSuite {

    @Test
    void apiKeysAreFoundByHashAndRevoked() {
        String tenant = newTenant();
        KeyHash hash = KeyHash.ofKey("hk_" + tenant);
        TenantApiKey key = engine.apiKeys().create(new NewApiKey(tenant, "ci", hash,
                EnumSet.of(Scope.QUERY, Scope.INGEST), 120, Instant.now().plus(1, ChronoUnit.DAYS)));
        assertThat(key.scopes()).containsExactlyInAnyOrder(Scope.QUERY, Scope.INGEST);
        TenantApiKey found = engine.apiKeys().findByHash(KeyHash.ofKey("hk_" + tenant)).orElseThrow();
        assertThat(found.tenantId()).isEqualTo(tenant);
        assertThat(found.rateLimitPerMinute()).isEqualTo(120);
        assertThat(found.usableAt(Instant.now())).isTrue();
        assertThat(found.usableAt(Instant.now().plus(2, ChronoUnit.DAYS))).isFalse();
        assertThatThrownBy(() -> engine.apiKeys().create(new NewApiKey(tenant, "dup", hash, EnumSet.of(Scope.QUERY),
                1, null))).isInstanceOf(ConflictException.class);

        assertThat(engine.apiKeys().revoke(key.keyId())).isTrue();
        assertThat(engine.apiKeys().revoke(key.keyId())).isFalse();
        assertThat(engine.apiKeys().findByHash(hash).orElseThrow().usableAt(Instant.now())).isFalse();
        assertThat(engine.apiKeys().findByHash(KeyHash.ofKey("nope"))).isEmpty();
    }

    @Test
    void usageIsSummedPerOperationAndDayWithinTheRange() {
        TenantStorage t = engine.forTenant(newTenant());
        Instant start = Instant.now().minusSeconds(1);
        t.usage().record("search", 3);
        t.usage().record("search", 4);
        t.usage().record("ingest", 10);
        assertThat(t.usage().usage(start, null, UsageGrouping.OPERATION)).containsExactly(
                new UsageGroup("ingest", 1, 10, new BigDecimal("0.000000")),
                new UsageGroup("search", 2, 7, new BigDecimal("0.000000")));
        assertThat(t.usage().usage(start, Instant.now().plusSeconds(1), UsageGrouping.DAY)).singleElement()
                .satisfies(g -> assertThat(g.units()).isEqualTo(17));
        assertThat(t.usage().usage(Instant.now().plusSeconds(60), null, UsageGrouping.OPERATION)).isEmpty();
        assertThatThrownBy(() -> t.usage().record("", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rowCountsAndReachability() {
        assertThat(engine.isReachable()).isTrue();
        Map<String, Long> before = engine.rowCounts();
        assertThat(before).containsKeys("Atoms", "AtomCompositions", "TensorAtomCoefficients", "IngestionJobs");
        TenantStorage t = engine.forTenant(newTenant());
        long job = t.ingest().startJob(newJob(Modality.IMAGE, "n.png")).job().jobId();
        t.ingest().writeChunk(job, imageChunk(0, randomPixels(2), 0, 0, 1, 1));
        Map<String, Long> after = engine.rowCounts();
        assertThat(after.get("Atoms") - before.get("Atoms")).isEqualTo(3);
        assertThat(after.get("AtomCompositions") - before.get("AtomCompositions")).isEqualTo(3);
        assertThat(engine.engineName()).isNotBlank();
        assertThatThrownBy(() -> engine.forTenant("bad tenant!")).isInstanceOf(IllegalArgumentException.class);
    }
}
