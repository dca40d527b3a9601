package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.deploy.Dialect;
import io.hartonomous.storage.deploy.SchemaDeployer;
import io.hartonomous.storage.deploy.ScriptSource;
import io.hartonomous.storage.engine.segments.RealFiles;
import io.hartonomous.storage.local.LocalStorage;
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
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row-per-position data converted into segments when the engine opens (CompositionRowMigration, TensorRowMigration):
 * a real photo written as the row writer left it, a run that follows no layout, a parent whose ingestion is RUNNING,
 * and a model whose weights were updated row by row with history; interrupted after one batch, finished by the next
 * open, and a no-op on the open after that.
 */
class EmbeddedRowMigrationTest {
    private static final Set<String> SEGMENT_SCRIPTS = Set.of("140", "145", "160", "165", "185");
    private static final AtomType F32 = AtomType.of(Modality.MODEL, "f32");
    private static final long ROWS = 3;
    private static final long COLS = 4000;
    private static final int N = (int) (ROWS * COLS);

    @TempDir
    Path dir;

    private StorageConfig config;

    private Connection sql() throws Exception {
        return DriverManager.getConnection(config.url(), config.user(), config.password());
    }

    @Test
    void aRowPerPositionPhotoBecomesSegmentsBitExactResumablyAndOnce() throws Exception {
        config = LocalStorage.embeddedFile(dir);
        RealFiles.Image image = RealFiles.image("images/snake.png");
        long[] px = image.pixels();
        ContentHash photoHash = fileHash("snake.png");
        ContentHash oddHash = fileHash("odd.bin");
        ContentHash busyHash = fileHash("busy.png");
        Map<Long, Long> counts = new LinkedHashMap<>(); // distinct pixels in order of first appearance
        for (long p : px) {
            counts.merge(p, 1L, Long::sum);
        }
        try (Connection c = EarlierSchema.without(config, SEGMENT_SCRIPTS)) {
            writeOldPhoto(c, px, image.width(), counts, photoHash, oddHash, busyHash);
        }
        Map<Long, Long> references = referenceCounts();
        // The upgrade's scripts, then one batch only: as if the engine had stopped after it.
        try (Connection c = sql()) {
            new SchemaDeployer(Dialect.H2).deploy(c, ScriptSource.fromClasspath("embedded"));
            CompositionRowMigration.Step step = new CompositionRowMigration(c, CompositionRowMigration.BATCH_POSITIONS)
                    .batch(CompositionRowMigration.Cursor.START);
            assertThat(step.converted()).isEqualTo(CompositionRowMigration.BATCH_POSITIONS);
            assertThat(count(c, "SELECT COUNT(*) FROM AtomCompositionRows")).as("the rest still rows")
                    .isEqualTo(px.length - CompositionRowMigration.BATCH_POSITIONS + 5 + 10);
        }
        String afterFirstOpen;
        try (StorageEngine engine = StorageEngines.open(config)) { // finishes the conversion
            TenantStorage t = engine.forTenant("acme");
            long photo = t.atoms().byHash(photoHash).orElseThrow().atomId();
            long odd = t.atoms().byHash(oddHash).orElseThrow().atomId();
            long busy = t.atoms().byHash(busyHash).orElseThrow().atomId();
            try (Connection c = sql()) {
                assertThat(count(c, "SELECT COUNT(*) FROM AtomCompositionRows WHERE ParentAtomId = " + photo)).isZero();
                assertThat(count(c, "SELECT COUNT(*) FROM AtomCompositionRows WHERE ParentAtomId = " + odd))
                        .as("a run that follows no layout stays rows").isEqualTo(5);
                assertThat(count(c, "SELECT COUNT(*) FROM AtomCompositionRows WHERE ParentAtomId = " + busy))
                        .as("a parent with a RUNNING job is passed over").isEqualTo(10);
                assertThat(count(c, "SELECT SUM(PositionCount) FROM CompositionSegments WHERE ParentAtomId = "
                        + photo)).isEqualTo(px.length);
                assertThat(count(c, "SELECT COUNT(*) FROM CompositionSegments WHERE ParentAtomId = " + photo
                        + " AND (Stride <> 600 OR ColumnMajor)")).isZero();
                // The dictionary: first appearance order, Occurrences = the positions holding each atom.
                List<Long> distinct = new ArrayList<>(counts.keySet());
                try (PreparedStatement ps = c.prepareStatement("SELECT d.Ordinal, a.AtomicValue, d.Occurrences "
                        + "FROM CompositionDictionary d JOIN Atoms a ON a.AtomId = d.AtomId WHERE d.ParentAtomId = ? "
                        + "ORDER BY d.Ordinal")) {
                    ps.setLong(1, photo);
                    try (ResultSet rs = ps.executeQuery()) {
                        int k = 0;
                        while (rs.next()) {
                            assertThat(rs.getInt(1)).isEqualTo(k);
                            long argb = distinct.get(k);
                            assertThat(rs.getBytes(2)).isEqualTo(RealFiles.pixelAtom(argb).value());
                            assertThat(rs.getLong(3)).isEqualTo(counts.get(argb));
                            k++;
                        }
                        assertThat(k).isEqualTo(distinct.size());
                    }
                }
            }
            assertThat(referenceCounts()).as("ReferenceCount unchanged").isEqualTo(references);
            assertThat(t.atoms().compositionCount(photo)).isEqualTo(px.length);
            try (Stream<PlacedValue> placed = t.atoms().placedValues(photo, 0, px.length + 1)) {
                List<PlacedValue> values = placed.toList();
                assertThat(values).hasSize(px.length);
                long[] back = new long[px.length];
                for (PlacedValue v : values) {
                    int s = (int) v.sequenceIndex();
                    assertThat(v.positionX()).isEqualTo(s % image.width());
                    assertThat(v.positionY()).isEqualTo(s / image.width());
                    byte[] b = v.value();
                    back[s] = (b[3] & 0xFFL) << 24 | (b[0] & 0xFFL) << 16 | (b[1] & 0xFFL) << 8 | b[2] & 0xFFL;
                }
                assertThat(back).as("the photo, bit-exact").isEqualTo(px);
            }
            try (Stream<PlacedValue> placed = t.atoms().placedValues(odd, 0, 100)) {
                assertThat(placed.map(PlacedValue::positionX).toList()).containsExactly(0L, 2L, 4L, 1L, 3L);
            }
            afterFirstOpen = digest("CompositionSegments", "CompositionDictionary", "AtomCompositionRows");
        }
        try (StorageEngine engine = StorageEngines.open(config)) {
            assertThat(engine.forTenant("acme").atoms().byHash(photoHash)).isPresent();
            assertThat(digest("CompositionSegments", "CompositionDictionary", "AtomCompositionRows"))
                    .as("opening again changes nothing").isEqualTo(afterFirstOpen);
            assertThat(referenceCounts()).isEqualTo(references);
        }
    }

    @Test
    void rowsThatRepeatASegmentsPositionsStayRowsAndTheEngineStillOpens() throws Exception {
        config = LocalStorage.embeddedFile(dir);
        try (StorageEngine engine = StorageEngines.open(config)) {
            assertThat(engine.forTenant("acme").atoms().byHash(fileHash("none"))).isEmpty();
        }
        try (Connection c = sql(); Statement s = c.createStatement()) {
            String leafHash = "X'" + hex(fileHash("leaf")) + "'";
            String parentHash = "X'" + hex(fileHash("parent")) + "'";
            s.executeUpdate("INSERT INTO Atoms (ContentHash, Modality, Subtype, AtomicValue, ReferenceCount) VALUES "
                    + "(" + leafHash + ", 'image', 'rgba8', X'01020304', 20), (" + parentHash + ", 'image', 'file', "
                    + "NULL, 0)");
            String parent = "(SELECT AtomId FROM Atoms WHERE ContentHash = " + parentHash + ")";
            String leaf = "(SELECT AtomId FROM Atoms WHERE ContentHash = " + leafHash + ")";
            s.executeUpdate("INSERT INTO CompositionSegments VALUES (" + parent + ", 0, 10, 10, FALSE, 0, 9, 0, 0, 1, "
                    + "X'00000000000000000000')");
            s.executeUpdate("INSERT INTO CompositionDictionary VALUES (" + parent + ", 0, " + leaf + ", 10)");
            s.executeUpdate("INSERT INTO AtomCompositionRows (ParentAtomId, ComponentAtomId, SequenceIndex, PositionX, "
                    + "PositionY) SELECT " + parent + ", " + leaf + ", X, X, 0 FROM SYSTEM_RANGE(5, 14)");
        }
        try (StorageEngine engine = StorageEngines.open(config); Connection c = sql()) {
            assertThat(engine.forTenant("acme").atoms().byHash(fileHash("none"))).isEmpty();
            assertThat(count(c, "SELECT COUNT(*) FROM AtomCompositionRows")).as("left as they were").isEqualTo(10);
            assertThat(count(c, "SELECT COUNT(*) FROM CompositionSegments")).isEqualTo(1);
            assertThat(count(c, "SELECT SUM(Occurrences) FROM CompositionDictionary")).isEqualTo(10);
        }
    }

    private static ContentHash fileHash(String name) {
        return ContentHash.of(AtomType.file(Modality.IMAGE), name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What the row-per-position writer left: one atom per distinct pixel (ReferenceCount = its positions), the photo
     * with a row per pixel, "odd" with five rows on no layout and "busy" (ingestion RUNNING) with ten layout rows, both
     * reusing the photo's first pixel atoms (their references counted too).
     */
    private static void writeOldPhoto(Connection c, long[] px, int width, Map<Long, Long> counts, ContentHash photo,
                                      ContentHash odd, ContentHash busy) throws Exception {
        long first = px[0];
        Map<Long, Long> refs = new HashMap<>(counts);
        refs.merge(first, 15L, Long::sum);
        Map<Long, Long> atomOf = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Atoms (ContentHash, Modality, Subtype, "
                + "AtomicValue, ReferenceCount) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (Map.Entry<Long, Long> e : counts.entrySet()) {
                NewAtom a = RealFiles.pixelAtom(e.getKey());
                ps.setBytes(1, a.contentHash().bytes());
                ps.setString(2, "image");
                ps.setString(3, "rgba8");
                ps.setBytes(4, a.value());
                ps.setLong(5, refs.get(e.getKey()));
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    k.next();
                    atomOf.put(e.getKey(), k.getLong(1));
                }
            }
            for (ContentHash h : List.of(photo, odd, busy)) {
                ps.setBytes(1, h.bytes());
                ps.setString(2, "image");
                ps.setString(3, "file");
                ps.setBytes(4, null);
                ps.setLong(5, 0);
                ps.executeUpdate();
            }
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO AtomOwners (TenantId, AtomId) SELECT 'acme', AtomId FROM Atoms "
                    + "WHERE Subtype = 'file'");
            s.executeUpdate("INSERT INTO IngestionJobs (TenantId, Modality, Name, State, ParentAtomId, ContentHash, "
                    + "BytesTotal) SELECT 'acme', 'image', 'f', CASE WHEN ContentHash = X'" + hex(busy)
                    + "' THEN 'RUNNING' ELSE 'COMPLETED' END, AtomId, ContentHash, 100 FROM Atoms "
                    + "WHERE Subtype = 'file'");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO AtomCompositions (ParentAtomId, ComponentAtomId, "
                + "SequenceIndex, PositionX, PositionY) SELECT f.AtomId, ?, ?, ?, ? FROM Atoms f WHERE f.ContentHash = ?")) {
            for (int i = 0; i < px.length; i++) {
                row(ps, atomOf.get(px[i]), i, i % width, i / width, photo);
                if (i % 10_000 == 9_999) {
                    ps.executeBatch();
                }
            }
            for (int i = 0; i < 5; i++) {
                row(ps, atomOf.get(first), i, i * 2 % 5, i, odd);
            }
            for (int i = 0; i < 10; i++) {
                row(ps, atomOf.get(first), i, i, 0, busy);
            }
            ps.executeBatch();
        }
    }

    private static void row(PreparedStatement ps, long atom, long s, long x, long y, ContentHash parent)
            throws Exception {
        ps.setLong(1, atom);
        ps.setLong(2, s);
        ps.setLong(3, x);
        ps.setLong(4, y);
        ps.setBytes(5, parent.bytes());
        ps.addBatch();
    }

    private static String hex(ContentHash h) {
        return HexFormat.of().formatHex(h.bytes());
    }

    // ---------------------------------------------------------------------------------------------- tensors

    @Test
    void rowPerWeightTensorsWithHistoryBecomeVersionedSegmentsWithTheSameAsOfAnswers() throws Exception {
        config = LocalStorage.embeddedFile(dir);
        Instant beforeModel = Instant.now();
        Thread.sleep(3);
        long modelId;
        float[] atT0 = new float[N];
        try (StorageEngine engine = StorageEngines.open(config)) {
            modelId = load(engine.forTenant("acme"), atT0);
        }
        // As the previous version held it: a row per weight (segments expanded back), no dictionary.
        try (Connection c = sql(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO TensorCoefficientRows (ModelId, LayerIdx, PositionZ, PositionY, PositionX, "
                    + "TensorAtomId, ValidFrom) SELECT ModelId, LayerIdx, PositionZ, PositionY, PositionX, "
                    + "TensorAtomId, ValidFrom FROM TensorAtomCoefficients");
            s.executeUpdate("DELETE FROM TensorSegments");
            s.executeUpdate("DELETE FROM TensorDictionary");
        }
        Thread.sleep(3);
        Instant t0 = micros();
        Thread.sleep(3);
        Instant t1 = micros();
        // Updates as the row writer and HistoryTrigger made them: the replaced row to history, one row each.
        updateOldRow(4100, 7f, t1);
        Thread.sleep(3);
        Instant mid = micros();
        Thread.sleep(3);
        Instant t2 = micros();
        updateOldRow(4100, 8f, t2);
        updateOldRow(11999, 9f, t2);
        Thread.sleep(3);
        float[] atMid = atT0.clone();
        atMid[4100] = 7f;
        float[] now = atMid.clone();
        now[4100] = 8f;
        now[11999] = 9f;
        Map<Long, Long> references = referenceCounts();

        // One batch of one block, as if the engine had stopped after it.
        try (Connection c = sql()) {
            TensorRowMigration m = new TensorRowMigration(c, 4096);
            TensorRowMigration.Step step = m.batch(m.first());
            assertThat(step.converted()).isEqualTo(4096);
            assertThat(count(c, "SELECT COUNT(*) FROM TensorCoefficientRows")).isEqualTo(N - 4096);
            assertThat(count(c, "SELECT COUNT(*) FROM TensorCoefficientRowsHistory")).isEqualTo(3);
        }
        String afterFirstOpen;
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            try (Connection c = sql()) {
                assertThat(count(c, "SELECT COUNT(*) FROM TensorCoefficientRows")).isZero();
                assertThat(count(c, "SELECT COUNT(*) FROM TensorCoefficientRowsHistory")).isZero();
                assertThat(count(c, "SELECT SUM(PositionCount) FROM TensorSegments")).isEqualTo(N);
                // Chunks of 5,000 (two load times) and blocks of 4,096: 0, 4096, 5000, 8192, 10000.
                assertThat(longs(c, "SELECT FirstIndex FROM TensorSegments ORDER BY FirstIndex"))
                        .containsExactly(0L, 4096L, 5000L, 8192L, 10000L);
                assertThat(longs(c, "SELECT FirstIndex * 10 + Replaced FROM TensorSegmentsHistory "
                        + "ORDER BY FirstIndex, ValidTo")).as("a version per change, one value replaced each")
                        .containsExactly(40961L, 40961L, 100001L);
                Map<Float, Long> occurrences = new HashMap<>();
                for (float v : now) {
                    occurrences.merge(v, 1L, Long::sum);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT a.AtomicValue, d.Occurrences FROM "
                        + "TensorDictionary d JOIN Atoms a ON a.AtomId = d.AtomId WHERE d.ModelId = ?")) {
                    ps.setLong(1, modelId);
                    try (ResultSet rs = ps.executeQuery()) {
                        int entries = 0;
                        while (rs.next()) {
                            float v = ByteBuffer.wrap(rs.getBytes(1)).order(ByteOrder.LITTLE_ENDIAN).getFloat();
                            assertThat(rs.getLong(2)).as("occurrences of %s", v)
                                    .isEqualTo(occurrences.getOrDefault(v, 0L));
                            entries++;
                        }
                        assertThat(entries).isEqualTo(500);
                    }
                }
            }
            assertThat(referenceCounts()).as("ReferenceCount unchanged").isEqualTo(references);
            assertThat(floats(t.models().tensorBytes(modelId, 0, null))).containsExactly(now);
            assertThat(floats(t.models().tensorBytes(modelId, 0, t0))).containsExactly(atT0);
            assertThat(floats(t.models().tensorBytes(modelId, 0, mid))).containsExactly(atMid);
            assertThat(floats(t.models().tensorBytes(modelId, 0, t2))).containsExactly(now);
            assertThat(floats(t.models().tensorBytes(modelId, 0, beforeModel))).as("before the model").isEmpty();
            assertThat(cells(t, modelId, mid)).containsExactly(atMid);
            afterFirstOpen = digest("TensorSegments", "TensorSegmentsHistory", "TensorDictionary");
        }
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            assertThat(digest("TensorSegments", "TensorSegmentsHistory", "TensorDictionary"))
                    .as("opening again changes nothing").isEqualTo(afterFirstOpen);
            assertThat(t.models().rollback(modelId, t0, false).coefficientsChanged()).isEqualTo(2);
            assertThat(floats(t.models().tensorBytes(modelId, 0, null))).containsExactly(atT0);
            assertThat(floats(t.models().tensorBytes(modelId, 0, mid))).as("history kept through the rollback")
                    .containsExactly(atMid);
        }
    }

    /** One 3 x 4000 tensor, element i = i % 500, in chunks of 5,000 weights; its values into {@code values}. */
    private static long load(TenantStorage t, float[] values) throws Exception {
        ContentHash hash = ContentHash.of(AtomType.file(Modality.MODEL), "m".getBytes(StandardCharsets.UTF_8));
        long job = t.ingest().startJob(new NewJob(Modality.MODEL, "m", hash, N, "{}", null)).job().jobId();
        Model model = t.ingest().registerModel(job, new NewModel("m", "safetensors", "{}", List.of(
                new ModelLayer(0, 0, "w", List.of(ROWS, COLS), "F32", "f32", N))));
        for (int i = 0; i < N; i++) {
            values[i] = i % 500;
        }
        int chunk = 0;
        for (int from = 0; from < N; from += 5000) {
            int n = Math.min(5000, N - from);
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
            Thread.sleep(3); // each chunk its own ValidFrom, as separate transactions gave them
        }
        t.ingest().completeJob(job, null);
        return model.modelId();
    }

    /** Element i gets value v at {@code at}: the old row to history, the new value current, references moved. */
    private void updateOldRow(long i, float v, Instant at) throws Exception {
        long x = i % COLS;
        long y = i / COLS;
        try (Connection c = sql(); Statement s = c.createStatement()) {
            String key = "ModelId = r.ModelId AND LayerIdx = 0 AND PositionZ = 0 AND PositionY = " + y
                    + " AND PositionX = " + x;
            String where = " WHERE LayerIdx = 0 AND PositionZ = 0 AND PositionY = " + y + " AND PositionX = " + x;
            String ts = "TIMESTAMP WITH TIME ZONE '" + at + "'";
            s.executeUpdate("UPDATE Atoms SET ReferenceCount = ReferenceCount - 1 WHERE AtomId = "
                    + "(SELECT TensorAtomId FROM TensorCoefficientRows" + where + ")");
            s.executeUpdate("INSERT INTO TensorCoefficientRowsHistory (ModelId, LayerIdx, PositionZ, PositionY, "
                    + "PositionX, TensorAtomId, ValidFrom, ValidTo) SELECT ModelId, LayerIdx, PositionZ, PositionY, "
                    + "PositionX, TensorAtomId, ValidFrom, " + ts + " FROM TensorCoefficientRows" + where);
            try (PreparedStatement ps = c.prepareStatement("UPDATE TensorCoefficientRows r SET ValidFrom = " + ts
                    + ", TensorAtomId = (SELECT AtomId FROM Atoms WHERE ContentHash = ?)" + where.replace("WHERE",
                    "WHERE r.ModelId IS NOT NULL AND"))) {
                ps.setBytes(1, weight(v).contentHash().bytes());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE Atoms SET ReferenceCount = ReferenceCount + 1 WHERE ContentHash = ?")) {
                ps.setBytes(1, weight(v).contentHash().bytes());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(key).isNotEmpty();
        }
    }

    /** Now, at the microseconds the timestamps store: AS OF exactly an update's time then sees the update. */
    private static Instant micros() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static NewAtom weight(float v) {
        return NewAtom.of(F32, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
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
                out[k] = ByteBuffer.wrap(list.get(k).value()).order(ByteOrder.LITTLE_ENDIAN).getFloat();
            }
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private Map<Long, Long> referenceCounts() throws Exception {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = sql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT AtomId, ReferenceCount FROM Atoms")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Every row of the tables in key order, as text: equal digests, equal contents. */
    private String digest(String... tables) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = sql(); Statement s = c.createStatement()) {
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2, 3")) {
                    ResultSetMetaData md = rs.getMetaData();
                    out.append(table).append('\n');
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object o = rs.getObject(i);
                            out.append(o instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(o))
                                    .append(' ');
                        }
                        out.append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    private static long count(Connection c, String query) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> longs(Connection c, String query) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }
}
