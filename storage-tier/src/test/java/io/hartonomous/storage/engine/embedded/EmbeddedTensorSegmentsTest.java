package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.deletion.DeletionState;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.contract.models.WeightUpdate;
import io.hartonomous.storage.engine.segments.PackedOrdinals;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tensors stored as versioned segments (embedded/160-165): packing, reads (cells and row-major bytes), a weight
 * update rewriting only the segment it touches, AS OF across updates, rollback, the row-per-weight views answering
 * seed-style queries, and erasing a model with exact counts.
 */
class EmbeddedTensorSegmentsTest {
    private static final AtomType F32 = AtomType.of(Modality.MODEL, "f32");
    /** 3 x 4000: elements 0-11,999, two full blocks of 4,096 and part of a third. */
    private static final long ROWS = 3;
    private static final long COLS = 4000;
    private static final int N = (int) (ROWS * COLS);

    @TempDir
    Path dir;

    private StorageConfig config;

    @BeforeEach
    void config() {
        config = LocalStorage.embeddedFile(dir);
    }

    private static NewAtom weight(float v) {
        return NewAtom.of(F32, f32(v));
    }

    private static byte[] f32(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }

    private record Loaded(TenantStorage tenant, long jobId, Model model, long fileAtomId, float[] values) {
    }

    /**
     * One 3 x 4000 tensor whose element i holds {@code value(i)}, written in chunks of {@code chunkRows} weights (a
     * chunk boundary inside a block adds a short segment).
     */
    private static Loaded load(TenantStorage t, String name, int chunkRows, java.util.function.IntToDoubleFunction value) {
        ContentHash hash = ContentHash.of(AtomType.file(Modality.MODEL), name.getBytes(StandardCharsets.UTF_8));
        long job = t.ingest().startJob(new NewJob(Modality.MODEL, name, hash, N, "{}", null)).job().jobId();
        Model model = t.ingest().registerModel(job, new NewModel("m", "safetensors", "{}", List.of(
                new ModelLayer(0, 0, "w", List.of(ROWS, COLS), "F32", "f32", N))));
        float[] values = new float[N];
        for (int i = 0; i < N; i++) {
            values[i] = (float) value.applyAsDouble(i);
        }
        int chunk = 0;
        for (int from = 0; from < N; from += chunkRows) {
            int n = Math.min(chunkRows, N - from);
            Map<Float, Integer> ordinalOf = new LinkedHashMap<>();
            List<NewAtom> atoms = new ArrayList<>();
            int[] ordinals = new int[n];
            long[] x = new long[n];
            long[] y = new long[n];
            for (int k = 0; k < n; k++) {
                int i = from + k;
                ordinals[k] = ordinalOf.computeIfAbsent(values[i], v -> {
                    atoms.add(weight(v));
                    return atoms.size() - 1;
                });
                x[k] = i % COLS;
                y[k] = i / COLS;
            }
            t.ingest().writeChunk(job, new Chunk(chunk++, atoms, null, new CoefficientBatch(n, new int[n], x, y,
                    new long[n], ordinals), from + n));
        }
        t.ingest().completeJob(job, null);
        return new Loaded(t, job, model, t.atoms().byHash(hash).orElseThrow().atomId(), values);
    }

    private static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static float[] cells(TenantStorage t, long modelId, Instant asOf) {
        try (Stream<TensorCell> cells = t.models().tensor(modelId, 0, asOf)) {
            List<TensorCell> list = cells.toList();
            float[] out = new float[list.size()];
            for (int k = 0; k < out.length; k++) {
                TensorCell c = list.get(k);
                assertThat(c.positionZ() * ROWS * COLS + c.positionY() * COLS + c.positionX()).as("cell order")
                        .isEqualTo(k);
                out[k] = ByteBuffer.wrap(c.value()).order(ByteOrder.LITTLE_ENDIAN).getFloat();
            }
            return out;
        }
    }

    private Connection sql() throws Exception {
        return DriverManager.getConnection(config.url(), config.user(), config.password());
    }

    /** (FirstIndex -> ValidFrom, width) of the current segments, and the history rows per FirstIndex. */
    private record Versions(Map<Long, OffsetDateTime> validFrom, Map<Long, Integer> width, Map<Long, Integer> history) {
    }

    private Versions versions(long modelId) throws Exception {
        Map<Long, OffsetDateTime> from = new HashMap<>();
        Map<Long, Integer> width = new HashMap<>();
        Map<Long, Integer> history = new HashMap<>();
        try (Connection c = sql()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT FirstIndex, ValidFrom, OrdinalWidth FROM TensorSegments WHERE ModelId = ?")) {
                ps.setLong(1, modelId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        from.put(rs.getLong(1), rs.getObject(2, OffsetDateTime.class));
                        width.put(rs.getLong(1), rs.getInt(3));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT FirstIndex, COUNT(*) FROM TensorSegmentsHistory WHERE ModelId = ? GROUP BY FirstIndex")) {
                ps.setLong(1, modelId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        history.put(rs.getLong(1), rs.getInt(2));
                    }
                }
            }
        }
        return new Versions(from, width, history);
    }

    @Test
    void segmentsRoundTripAtEveryOrdinalWidth() {
        for (int max : new int[] {0, 255, 256, 65_535, 65_536, (1 << 24) - 1, 1 << 24, Integer.MAX_VALUE}) {
            int[] ordinals = new int[4096];
            for (int k = 0; k < ordinals.length; k++) {
                ordinals[k] = (int) ((long) max * k / (ordinals.length - 1));
            }
            TensorSegmentStore.Segment s = new TensorSegmentStore.Segment(0, 8192, 4096, 10, 10, 1, new byte[4096],
                    Instant.EPOCH).with(ordinals, Instant.EPOCH);
            assertThat(s.width()).as("width for %d", max).isEqualTo(PackedOrdinals.widthFor(max));
            assertThat(s.ordinals()).hasSize(4096 * s.width());
            assertThat(s.decode()).containsExactly(ordinals);
        }
    }

    @Test
    void aTensorReadsBackBitExactAtOneTwoAndThreeByteOrdinals() throws Exception {
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            // 200 distinct values: one-byte ordinals; 3,000: two bytes.
            Loaded one = load(t, "one.safetensors", 5000, i -> i % 200);
            Loaded two = load(t, "two.safetensors", 5000, i -> 1000 + i % 3000);
            for (Loaded m : List.of(one, two)) {
                assertThat(floats(t.models().tensorBytes(m.model().modelId(), 0, null))).containsExactly(m.values());
                assertThat(cells(t, m.model().modelId(), null)).containsExactly(m.values());
            }
            assertThat(versions(one.model().modelId()).width().values()).containsOnly(1);
            assertThat(versions(two.model().modelId()).width().values()).containsOnly(2);
            // An entry at ordinal 70,000 (made in SQL: no position holds it) makes the next value new to the model
            // need three bytes; the segment that gets it widens, its neighbours stay as they were.
            long wide = one.model().modelId();
            try (Connection c = sql(); java.sql.Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO Atoms (ContentHash, Modality, Subtype, AtomicValue, ReferenceCount) "
                        + "VALUES (HASH('SHA-256', 'filler'), 'model', 'f32', X'0000C07F', 0)");
                s.executeUpdate("INSERT INTO TensorDictionary (ModelId, Ordinal, AtomId, Occurrences) SELECT " + wide
                        + ", 70000, AtomId, 0 FROM Atoms WHERE ContentHash = HASH('SHA-256', 'filler')");
            }
            assertThat(t.models().updateWeights(wide, 0, List.of(new WeightUpdate(5, 2, 0, weight(-2.5f)))))
                    .isEqualTo(1);
            float[] expected = one.values().clone();
            expected[2 * 4000 + 5] = -2.5f;
            assertThat(floats(t.models().tensorBytes(wide, 0, null))).containsExactly(expected);
            assertThat(cells(t, wide, null)).containsExactly(expected);
            assertThat(versions(wide).width()).as("only the segment holding element 8005 widens")
                    .containsEntry(5000L, 3).containsEntry(4096L, 1).containsEntry(8192L, 1);
            assertThat(t.ingest().job(one.jobId()).orElseThrow().distinctAtoms()).isEqualTo(200);
        }
    }

    @Test
    void anUpdateRewritesOnlyTheSegmentItTouchesAndAsOfReadsAcrossTwoUpdates() throws Exception {
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            Loaded m = load(t, "m.safetensors", 5000, i -> i % 500);
            long id = m.model().modelId();
            Versions before = versions(id);
            // Chunks of 5,000 and blocks of 4,096: segments start at 0, 4096, 5000, 8192, 10000.
            assertThat(before.validFrom().keySet()).containsExactlyInAnyOrder(0L, 4096L, 5000L, 8192L, 10000L);
            assertThat(before.history()).isEmpty();

            Thread.sleep(3);
            Instant t0 = Instant.now();
            Thread.sleep(3);
            // Element 4100 = (x 100, y 1): the segment at 4096 only.
            assertThat(t.models().updateWeights(id, 0, List.of(new WeightUpdate(100, 1, 0, weight(0.5f))))).isEqualTo(1);
            Versions afterFirst = versions(id);
            for (long first : List.of(0L, 5000L, 8192L, 10000L)) {
                assertThat(afterFirst.validFrom().get(first)).as("segment %d untouched", first)
                        .isEqualTo(before.validFrom().get(first));
            }
            assertThat(afterFirst.validFrom().get(4096L)).isAfter(before.validFrom().get(4096L));
            assertThat(afterFirst.history()).containsExactly(Map.entry(4096L, 1));

            Thread.sleep(3);
            Instant t1 = Instant.now();
            Thread.sleep(3);
            // The same segment again, and one in the last segment; a value equal to the stored one changes nothing.
            assertThat(t.models().updateWeights(id, 0, List.of(new WeightUpdate(100, 1, 0, weight(0.75f)),
                    new WeightUpdate(3999, 2, 0, weight(0.25f)), new WeightUpdate(0, 0, 0, weight(0f)))))
                    .isEqualTo(2);
            assertThat(versions(id).history()).containsOnly(Map.entry(4096L, 2), Map.entry(10000L, 1));

            float[] atT0 = m.values().clone();
            float[] atT1 = atT0.clone();
            atT1[4100] = 0.5f;
            float[] now = atT1.clone();
            now[4100] = 0.75f;
            now[11999] = 0.25f;
            assertThat(floats(t.models().tensorBytes(id, 0, t0))).containsExactly(atT0);
            assertThat(floats(t.models().tensorBytes(id, 0, t1))).containsExactly(atT1);
            assertThat(floats(t.models().tensorBytes(id, 0, null))).containsExactly(now);
            assertThat(cells(t, id, t1)).containsExactly(atT1);
            assertThat(floats(t.models().tensorBytes(id, 0, Instant.parse("2000-01-01T00:00:00Z"))))
                    .as("before the model existed").isEmpty();

            // Rollback to t0: the dry run counts, the real one restores, references follow.
            assertThat(t.models().rollback(id, t0, true).coefficientsChanged()).isEqualTo(2);
            assertThat(t.models().rollback(id, t0, false).coefficientsChanged()).isEqualTo(2);
            assertThat(floats(t.models().tensorBytes(id, 0, null))).containsExactly(atT0);
            assertThat(floats(t.models().tensorBytes(id, 0, t1))).as("history kept through the rollback")
                    .containsExactly(atT1);
            for (float v : new float[] {0.5f, 0.75f, 0.25f}) {
                assertThat(t.atoms().byHash(weight(v).contentHash()).map(Atom::referenceCount)).as("%s", v)
                        .contains(0L);
            }
            assertThat(t.atoms().byHash(weight(100f).contentHash()).map(Atom::referenceCount))
                    .as("value 100 sits at 24 positions again").contains(24L);
            assertThat(t.models().rollback(id, t0, false).coefficientsChanged()).as("nothing left to roll back")
                    .isZero();
            assertDictionaryMatchesReferences(id);
        }
    }

    /** Each dictionary entry's Occurrences is the positions holding it, which is its atom's ReferenceCount here. */
    private void assertDictionaryMatchesReferences(long modelId) throws Exception {
        try (Connection c = sql();
             PreparedStatement ps = c.prepareStatement("SELECT d.Occurrences, a.ReferenceCount, "
                     + "(SELECT COUNT(*) FROM TensorAtomCoefficients v WHERE v.ModelId = d.ModelId "
                     + "AND v.TensorAtomId = d.AtomId) FROM TensorDictionary d JOIN Atoms a ON a.AtomId = d.AtomId "
                     + "WHERE d.ModelId = ?")) {
            ps.setLong(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                int entries = 0;
                while (rs.next()) {
                    assertThat(rs.getLong(1)).isEqualTo(rs.getLong(3));
                    assertThat(rs.getLong(2)).isEqualTo(rs.getLong(3));
                    entries++;
                }
                assertThat(entries).isPositive();
            }
        }
    }

    @Test
    void theRowViewsAnswerSeedStyleQueriesNowAndAsOf() throws Exception {
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            Loaded m = load(t, "m.safetensors", 4096, i -> i % 37);
            long id = m.model().modelId();
            Thread.sleep(3);
            Instant before = Instant.now();
            Thread.sleep(3);
            t.models().updateWeights(id, 0, List.of(new WeightUpdate(7, 2, 0, weight(9.5f))));
            long tuned = t.atoms().byHash(weight(9.5f).contentHash()).orElseThrow().atomId();
            long original = t.atoms().byHash(weight(m.values()[2 * 4000 + 7]).contentHash()).orElseThrow().atomId();
            try (Connection c = sql()) {
                // The weight at position (z, y, x) of layer L, now and AS OF through the history.
                String at = "SELECT TensorAtomId FROM TensorAtomCoefficients WHERE ModelId = ? AND LayerIdx = 0 "
                        + "AND PositionZ = 0 AND PositionY = 2 AND PositionX = 7";
                assertThat(single(c, at, id)).isEqualTo(tuned);
                String asOf = "SELECT TensorAtomId FROM (SELECT PositionZ, PositionY, PositionX, TensorAtomId FROM "
                        + "TensorAtomCoefficients WHERE ModelId = ?1 AND LayerIdx = 0 AND ValidFrom <= ?2 UNION ALL "
                        + "SELECT PositionZ, PositionY, PositionX, TensorAtomId FROM TensorAtomCoefficientsHistory "
                        + "WHERE ModelId = ?1 AND LayerIdx = 0 AND ValidFrom <= ?2 AND ValidTo > ?2) "
                        + "WHERE PositionZ = 0 AND PositionY = 2 AND PositionX = 7";
                try (PreparedStatement ps = c.prepareStatement(asOf)) {
                    ps.setLong(1, id);
                    ps.setObject(2, before.atOffset(java.time.ZoneOffset.UTC));
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(original);
                        assertThat(rs.next()).as("one value per position as of an instant").isFalse();
                    }
                }
                // The whole tensor AS OF before the update, through the views, in position order.
                String all = "SELECT a.AtomicValue FROM (SELECT PositionZ, PositionY, PositionX, TensorAtomId FROM "
                        + "TensorAtomCoefficients WHERE ModelId = ?1 AND LayerIdx = 0 AND ValidFrom <= ?2 UNION ALL "
                        + "SELECT PositionZ, PositionY, PositionX, TensorAtomId FROM TensorAtomCoefficientsHistory "
                        + "WHERE ModelId = ?1 AND LayerIdx = 0 AND ValidFrom <= ?2 AND ValidTo > ?2) v "
                        + "JOIN Atoms a ON a.AtomId = v.TensorAtomId ORDER BY PositionZ, PositionY, PositionX";
                try (PreparedStatement ps = c.prepareStatement(all)) {
                    ps.setLong(1, id);
                    ps.setObject(2, before.atOffset(java.time.ZoneOffset.UTC));
                    try (ResultSet rs = ps.executeQuery()) {
                        int i = 0;
                        while (rs.next()) {
                            assertThat(rs.getBytes(1)).as("element %d", i).isEqualTo(f32(m.values()[i]));
                            i++;
                        }
                        assertThat(i).isEqualTo(N);
                    }
                }
                // The histogram of a tensor's values: the dictionary's occurrences, without expanding anything.
                try (PreparedStatement ps = c.prepareStatement("SELECT v.TensorAtomId, COUNT(*) FROM "
                        + "TensorAtomCoefficients v WHERE v.ModelId = ? GROUP BY v.TensorAtomId")) {
                    ps.setLong(1, id);
                    Map<Long, Long> histogram = new HashMap<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            histogram.put(rs.getLong(1), rs.getLong(2));
                        }
                    }
                    assertThat(histogram).hasSize(38);
                    assertThat(histogram.get(tuned)).isEqualTo(1);
                    assertThat(histogram.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(N);
                }
            }
            assertDictionaryMatchesReferences(id);
        }
    }

    private static long single(Connection c, String sql, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                long v = rs.getLong(1);
                assertThat(rs.next()).isFalse();
                return v;
            }
        }
    }

    @Test
    void aRepeatedOrOutOfShapeWeightIsRefusedAndErasingTheModelRemovesEverything() throws Exception {
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            ContentHash hash = ContentHash.of(AtomType.file(Modality.MODEL), "bad".getBytes(StandardCharsets.UTF_8));
            long job = t.ingest().startJob(new NewJob(Modality.MODEL, "bad", hash, 1, "{}", null)).job().jobId();
            t.ingest().registerModel(job, new NewModel("m", "gguf", "{}", List.of(
                    new ModelLayer(0, 0, "w", List.of(2L, 3L), "F32", "f32", 6))));
            List<NewAtom> one = List.of(weight(1f));
            assertThatThrownBy(() -> t.ingest().writeChunk(job, new Chunk(0, one, null, new CoefficientBatch(1,
                    new int[1], new long[] {3}, new long[1], new long[1], new int[1]), 0)))
                    .hasMessageContaining("outside tensor 0");
            assertThatThrownBy(() -> t.ingest().writeChunk(job, new Chunk(0, one, null, new CoefficientBatch(2,
                    new int[2], new long[] {1, 1}, new long[2], new long[2], new int[2]), 0)))
                    .hasMessageContaining("repeats a position");
            t.ingest().writeChunk(job, new Chunk(0, one, null, new CoefficientBatch(1, new int[1], new long[] {1},
                    new long[1], new long[1], new int[1]), 0));
            assertThatThrownBy(() -> t.ingest().writeChunk(job, new Chunk(1, one, null, new CoefficientBatch(1,
                    new int[1], new long[] {1}, new long[1], new long[1], new int[1]), 0)))
                    .hasMessageContaining("repeats a position");

            Loaded m = load(t, "m.safetensors", 5000, i -> 5000 + i % 700);
            long id = m.model().modelId();
            t.models().updateWeights(id, 0, List.of(new WeightUpdate(1, 0, 0, weight(-3f)),
                    new WeightUpdate(2, 2, 0, weight(-4f))));
            DeletionJob started = engine.deletions().request("acme", m.fileAtomId(), true);
            // Every weight, each again once its removal puts it in history, and the two the updates replaced.
            assertThat(started.rowsTotal()).isEqualTo(N + N + 2);
            DeletionJob done = engine.deletions().runToEnd(started.jobId(), 3000);
            assertThat(done.state()).isEqualTo(DeletionState.COMPLETED);
            assertThat(done.rowsDone()).isEqualTo(started.rowsTotal());
            assertThat(done.leavesPurged()).isEqualTo(700 + 2);
            try (Connection c = sql()) {
                for (String table : List.of("TensorSegments", "TensorSegmentsHistory", "TensorDictionary")) {
                    assertThat(single(c, "SELECT COUNT(*) FROM " + table + " WHERE ModelId = ?", id)).as(table)
                            .isZero();
                }
            }
        }
    }
}
