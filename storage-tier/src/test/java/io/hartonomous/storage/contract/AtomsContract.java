package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.atoms.ValueRun;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.ingest.ChunkReceipt;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.JobStart;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Atoms, typed identity, chunk writes and composition reads. */
public abstract class AtomsContract extends StorageContractSuite {

    @Test
    void chunkStoresDistinctAtomsWithExactReferenceCountsAndOrderedCompositions() {
        TenantStorage t = engine.forTenant(newTenant());
        JobStart start = t.ingest().startJob(newJob(Modality.IMAGE, "a.png"));
        List<NewAtom> atoms = randomPixels(3);
        // 0 appears 3 times, 1 twice, 2 once.
        ChunkReceipt receipt = t.ingest().writeChunk(start.job().jobId(),
                imageChunk(0, atoms, 0, 0, 1, 0, 2, 1, 0));

        assertThat(receipt.newAtoms()).isEqualTo(3);
        assertThat(receipt.distinctAtoms()).isEqualTo(3);
        assertThat(receipt.compositionRows()).isEqualTo(6);
        Atom first = t.atoms().byHash(atoms.get(0).contentHash()).orElseThrow();
        assertThat(first.referenceCount()).isEqualTo(3);
        assertThat(first.atomicValue()).isEqualTo(atoms.get(0).value());
        assertThat(first.type()).isEqualTo(AtomType.of(Modality.IMAGE, "rgba8"));
        assertThat(t.atoms().byId(first.atomId()).orElseThrow().contentHash()).isEqualTo(first.contentHash());
        assertThat(t.atoms().byHash(atoms.get(2).contentHash()).orElseThrow().referenceCount()).isEqualTo(1);

        long parent = start.parent().atomId();
        try (Stream<AtomComposition> rows = t.atoms().compositions(parent, 0, 100)) {
            List<AtomComposition> list = rows.toList();
            assertThat(list).extracting(AtomComposition::sequenceIndex).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(list.get(2).componentAtomId()).isEqualTo(first.atomId());
        }
        try (Stream<PlacedValue> values = t.atoms().placedValues(parent, 3, 2)) {
            List<PlacedValue> list = values.toList();
            assertThat(list).extracting(PlacedValue::sequenceIndex).containsExactly(3L, 4L);
            assertThat(list.get(0).value()).isEqualTo(atoms.get(2).value());
            assertThat(list.get(1).positionX()).isEqualTo(4);
        }
        assertThat(t.atoms().compositionCount(parent)).isEqualTo(6);
    }

    @Test
    void sameBytesWithDifferentTypesAreDifferentAtoms() {
        byte[] bytes = f32(1.5f);
        NewAtom asWeight = NewAtom.of(F32, bytes);
        NewAtom asPixel = NewAtom.of(RGBA8, bytes);
        assertThat(asWeight.contentHash()).isNotEqualTo(asPixel.contentHash());

        TenantStorage t = engine.forTenant(newTenant());
        JobStart start = t.ingest().startJob(newJob(Modality.IMAGE, "b.png"));
        t.ingest().writeChunk(start.job().jobId(), imageChunk(0, List.of(asPixel), 0, 0));
        assertThat(t.atoms().byHash(asPixel.contentHash())).isPresent();
        assertThat(t.atoms().byHash(asWeight.contentHash())).isEmpty();
    }

    @Test
    void typedHashFollowsTheCanonicalDefinition() throws Exception {
        byte[] value = {1, 2, 3, 4};
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update("image/rgba8".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(value);
        assertThat(ContentHash.of(RGBA8, value).bytes()).isEqualTo(sha.digest());
    }

    @Test
    void secondChunkReusesAtomsAndCountsOnlyNewOnes() {
        TenantStorage t = engine.forTenant(newTenant());
        long job = t.ingest().startJob(newJob(Modality.IMAGE, "c.png")).job().jobId();
        List<NewAtom> atoms = randomPixels(4);
        t.ingest().writeChunk(job, imageChunk(0, atoms.subList(0, 2), 0, 0, 1));
        ChunkReceipt second = t.ingest().writeChunk(job, imageChunk(1, atoms.subList(1, 4), 2, 0, 1, 2, 2));
        assertThat(second.newAtoms()).isEqualTo(2);
        assertThat(second.distinctAtoms()).isEqualTo(3);
        // While the job runs, an atom the file held already may still count only the references of its first chunk
        // (IngestWrites.writeChunk); an atom new in this chunk counts all of its own at once.
        assertThat(t.atoms().byHash(atoms.get(1).contentHash()).orElseThrow().referenceCount()).isBetween(1L, 2L);
        assertThat(t.atoms().byHash(atoms.get(3).contentHash()).orElseThrow().referenceCount()).isEqualTo(2);

        IngestionJob done = t.ingest().completeJob(job, "{\"width\":16}");
        assertThat(t.atoms().byHash(atoms.get(1).contentHash()).orElseThrow().referenceCount()).isEqualTo(2);
        assertThat(t.atoms().byHash(atoms.get(3).contentHash()).orElseThrow().referenceCount()).isEqualTo(2);
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.newAtoms()).isEqualTo(4);
        assertThat(done.distinctAtoms()).isEqualTo(4);
        assertThat(done.compositions()).isEqualTo(6);
        assertThat(done.chunksCommitted()).isEqualTo(2);
        assertThat(t.atoms().byId(done.parentAtomId()).orElseThrow().metadataJson()).contains("width");
    }

    @Test
    void atomsRecurringOverManyChunksEndWithExactCounts() {
        TenantStorage t = engine.forTenant(newTenant());
        List<NewAtom> shared = randomPixels(3);
        long keeper = t.ingest().startJob(newJob(Modality.IMAGE, "k.png")).job().jobId();
        t.ingest().writeChunk(keeper, imageChunk(0, shared.subList(0, 1), 0, 0, 0));
        t.ingest().completeJob(keeper, null);

        long job = t.ingest().startJob(newJob(Modality.IMAGE, "r.png")).job().jobId();
        // Chunk c holds atom 0 c+1 times, atom 1 once, and atom 2 from chunk 2 on.
        Map<Integer, Long> expected = new HashMap<>(Map.of(0, 2L, 1, 0L, 2, 0L));
        long sequence = 0;
        for (int c = 0; c < 5; c++) {
            List<NewAtom> atoms = c < 2 ? shared.subList(0, 2) : shared;
            int[] ordinals = new int[c + 1 + 1 + (c < 2 ? 0 : 1)];
            for (int i = 0; i <= c; i++) {
                ordinals[i] = 0;
            }
            ordinals[c + 1] = 1;
            if (c >= 2) {
                ordinals[c + 2] = 2;
                expected.merge(2, 1L, Long::sum);
            }
            expected.merge(0, (long) c + 1, Long::sum);
            expected.merge(1, 1L, Long::sum);
            t.ingest().writeChunk(job, imageChunk(c, atoms, sequence, ordinals));
            sequence += ordinals.length;
        }
        IngestionJob done = t.ingest().completeJob(job, null);
        assertThat(done.distinctAtoms()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(t.atoms().byHash(shared.get(i).contentHash()).orElseThrow().referenceCount())
                    .as("atom %d", i).isEqualTo(expected.get(i));
        }
        assertThat(t.atoms().compositionCount(done.parentAtomId())).isEqualTo(sequence);
    }

    /**
     * A photo-like file: 140,000 distinct values in two chunks, more per chunk and per read window than one array
     * parameter of H2 holds (65,536), read back in one stream as they were written.
     */
    @Test
    void moreDistinctValuesThanOneArrayHoldsAreWrittenAndReadBackInOrder() {
        TenantStorage t = engine.forTenant(newTenant());
        int n = 140_000;
        List<NewAtom> atoms = randomPixels(n);
        long job = t.ingest().startJob(newJob(Modality.IMAGE, "many.png")).job().jobId();
        int half = n / 2;
        int[] first = new int[half];
        int[] second = new int[n - half];
        for (int i = 0; i < half; i++) {
            first[i] = i;
        }
        for (int i = 0; i < second.length; i++) {
            second[i] = i;
        }
        t.ingest().writeChunk(job, imageChunk(0, atoms.subList(0, half), 0, first));
        t.ingest().writeChunk(job, imageChunk(1, atoms.subList(half, n), half, second));
        IngestionJob done = t.ingest().completeJob(job, null);
        assertThat(done.distinctAtoms()).isEqualTo(n);
        try (Stream<PlacedValue> values = t.atoms().placedValues(done.parentAtomId(), 0, n)) {
            Iterator<PlacedValue> it = values.iterator();
            for (int i = 0; i < n; i++) {
                PlacedValue v = it.next();
                assertThat(v.sequenceIndex()).isEqualTo(i);
                assertThat(v.value()).as("value at %d", i).isEqualTo(atoms.get(i).value());
            }
            assertThat(it.hasNext()).isFalse();
        }
        assertThat(t.atoms().byHash(atoms.get(n - 1).contentHash()).orElseThrow().referenceCount()).isEqualTo(1);
    }

    /**
     * The packed runs hold exactly the placed values: two types, a gap in the sequence, and positions that follow no
     * layout (the row table on the embedded engine); a run never spans a gap or a change of type.
     */
    @Test
    void valueRunsPackThePlacedValuesAndBreakAtGapsAndTypes() {
        TenantStorage t = engine.forTenant(newTenant());
        List<NewAtom> atoms = new java.util.ArrayList<>(randomPixels(5));
        AtomType rgba16 = AtomType.of(Modality.IMAGE, "rgba16");
        atoms.add(NewAtom.of(rgba16, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        atoms.add(NewAtom.of(rgba16, new byte[] {8, 7, 6, 5, 4, 3, 2, 1}));
        long job = t.ingest().startJob(newJob(Modality.IMAGE, "runs.png")).job().jobId();
        int[] first = new int[40];
        for (int i = 0; i < first.length; i++) {
            first[i] = i >= 20 && i < 25 ? 5 + i % 2 : i % 5;
        }
        int[] second = new int[40];
        for (int i = 0; i < second.length; i++) {
            second[i] = (i * 3) % 7;
        }
        t.ingest().writeChunk(job, imageChunk(0, atoms, 0, first));
        t.ingest().writeChunk(job, imageChunk(1, atoms, 60, second));
        // Ten positions whose coordinates follow no row or column layout.
        int n = 10;
        long[] seq = new long[n];
        long[] x = new long[n];
        long[] y = new long[n];
        int[] ordinal = new int[n];
        for (int i = 0; i < n; i++) {
            seq[i] = 120 + i;
            x[i] = 7 - i;
            y[i] = 3L * i * i;
            ordinal[i] = i % 3;
        }
        t.ingest().writeChunk(job, new Chunk(2, atoms, new CompositionBatch(n, seq, x, y, ordinal), null, 0));
        long parent = t.ingest().completeJob(job, null).parentAtomId();

        for (long[] range : new long[][] {{0, 1000}, {10, 65}, {125, 3}}) {
            List<PlacedValue> placed;
            try (Stream<PlacedValue> values = t.atoms().placedValues(parent, range[0], range[1])) {
                placed = values.toList();
            }
            List<ValueRun> runs;
            try (Stream<ValueRun> values = t.atoms().valueRuns(parent, range[0], range[1])) {
                runs = values.toList();
            }
            int k = 0;
            for (int r = 0; r < runs.size(); r++) {
                ValueRun run = runs.get(r);
                int bytes = run.type().valueBytes();
                for (int i = 0; i < run.count(); i++, k++) {
                    PlacedValue p = placed.get(k);
                    assertThat(run.firstSequence() + i).isEqualTo(p.sequenceIndex());
                    assertThat(run.type()).isEqualTo(p.type());
                    assertThat(java.util.Arrays.copyOfRange(run.values(), i * bytes, (i + 1) * bytes))
                            .as("value at %d", p.sequenceIndex()).isEqualTo(p.value());
                }
                if (r > 0) {
                    ValueRun before = runs.get(r - 1);
                    assertThat(before.firstSequence() + before.count() != run.firstSequence()
                            || !before.type().equals(run.type())).as("run %d ends at a gap or a change of type", r - 1)
                            .isTrue();
                }
            }
            assertThat(k).as("positions in the runs of %s", java.util.Arrays.toString(range)).isEqualTo(placed.size());
        }
    }

    @Test
    void unknownAtomsAreEmptyAndInvalidChunksAreRefused() {
        TenantStorage t = engine.forTenant(newTenant());
        assertThat(t.atoms().byId(Long.MAX_VALUE)).isEmpty();
        long job = t.ingest().startJob(newJob(Modality.IMAGE, "d.png")).job().jobId();
        List<NewAtom> atoms = randomPixels(1);
        assertThatThrownBy(() -> t.ingest().writeChunk(job, imageChunk(0, atoms, 0, 0, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ordinal 5");
        NewAtom a = atoms.getFirst();
        assertThatThrownBy(() -> t.ingest().writeChunk(job, imageChunk(0, List.of(a, a), 0, 0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> t.atoms().compositions(Long.MAX_VALUE, 0, 10))
                .isInstanceOf(NotFoundException.class);
    }
}
