package io.hartonomous.ingest.pipeline;

import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.TenantStorage;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that every atom's ReferenceCount equals the composition rows that point at it. */
final class References {
    private References() {
    }

    /** Counts component references of the given parents and compares with each atom's stored count. */
    static Map<Long, Long> assertExact(TenantStorage tenant, Iterable<Long> parents) {
        Map<Long, Long> counted = new HashMap<>();
        for (long parent : parents) {
            try (Stream<AtomComposition> rows = tenant.atoms().compositions(parent, 0, Long.MAX_VALUE)) {
                rows.forEach(r -> counted.merge(r.componentAtomId(), 1L, Long::sum));
            }
        }
        for (Map.Entry<Long, Long> e : counted.entrySet()) {
            assertThat(tenant.atoms().byId(e.getKey()).orElseThrow().referenceCount())
                    .as("reference count of atom %d", e.getKey()).isEqualTo(e.getValue());
        }
        return counted;
    }
}
