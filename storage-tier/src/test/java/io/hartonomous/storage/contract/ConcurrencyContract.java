package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Modality;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Exact dedup and reference counts while 8 writers upsert overlapping batches. */
public abstract class ConcurrencyContract extends StorageContractSuite {
    private static final int WRITERS = 8;
    private static final int CHUNKS = 6;
    private static final int ROWS = 200;

    @Test
    void eightWritersWithOverlappingBatchesKeepExactReferenceCounts() throws Exception {
        List<NewAtom> pool = randomPixels(120);
        Map<ContentHash, Long> expected = new HashMap<>();
        List<List<Chunk>> plans = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            List<Chunk> chunks = new ArrayList<>();
            for (int c = 0; c < CHUNKS; c++) {
                // Each chunk draws a random overlapping subset of the pool and random references into it.
                List<NewAtom> subset = new ArrayList<>();
                for (NewAtom a : pool) {
                    if (ThreadLocalRandom.current().nextInt(3) == 0) {
                        subset.add(a);
                    }
                }
                if (subset.isEmpty()) {
                    subset.add(pool.getFirst());
                }
                int[] ordinals = new int[ROWS];
                for (int i = 0; i < ROWS; i++) {
                    ordinals[i] = ThreadLocalRandom.current().nextInt(subset.size());
                    expected.merge(subset.get(ordinals[i]).contentHash(), 1L, Long::sum);
                }
                chunks.add(imageChunk(c, subset, (long) c * ROWS, ordinals));
            }
            plans.add(chunks);
        }

        String tenant = newTenant();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (List<Chunk> plan : plans) {
                done.add(writers.submit(() -> {
                    TenantStorage t = engine.forTenant(tenant);
                    long job = t.ingest().startJob(newJob(Modality.IMAGE, "p.png")).job().jobId();
                    for (Chunk chunk : plan) {
                        t.ingest().writeChunk(job, chunk);
                    }
                    return t.ingest().completeJob(job, null).newAtoms();
                }));
            }
            long newAtoms = 0;
            for (Future<Long> f : done) {
                newAtoms += f.get();
            }
            assertThat(newAtoms).as("each distinct value is new exactly once").isEqualTo(expected.size());
        } finally {
            writers.shutdownNow();
        }

        TenantStorage reader = engine.forTenant(tenant);
        for (Map.Entry<ContentHash, Long> e : expected.entrySet()) {
            assertThat(reader.atoms().byHash(e.getKey()).orElseThrow().referenceCount())
                    .as("references to %s", e.getKey()).isEqualTo(e.getValue());
        }
    }
}
