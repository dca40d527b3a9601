package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.AtomsContract;
import io.hartonomous.storage.contract.BillingContract;
import io.hartonomous.storage.contract.ConceptsContract;
import io.hartonomous.storage.contract.ConcurrencyContract;
import io.hartonomous.storage.contract.DeletionContract;
import io.hartonomous.storage.contract.GraphContract;
import io.hartonomous.storage.contract.InferenceContract;
import io.hartonomous.storage.contract.JobsContract;
import io.hartonomous.storage.contract.ModelsContract;
import io.hartonomous.storage.contract.OodaContract;
import io.hartonomous.storage.contract.OperationsContract;
import io.hartonomous.storage.contract.ProvenanceFeedContract;
import io.hartonomous.storage.contract.QueueContract;
import io.hartonomous.storage.contract.QueuesContract;
import io.hartonomous.storage.contract.ReasoningContract;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.TenancyContract;
import io.hartonomous.storage.contract.VectorsContract;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.models.RollbackReport;
import io.hartonomous.storage.contract.models.WeightUpdate;
import io.hartonomous.storage.deploy.DeployPlan;
import io.hartonomous.storage.engine.segments.RealFiles;
import io.hartonomous.storage.deploy.Dialect;
import io.hartonomous.storage.deploy.SchemaDeployer;
import io.hartonomous.storage.deploy.ScriptSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.mssqlserver.MSSQLServerContainer;
import org.testcontainers.utility.DockerImageName;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage contract suite bound to SQL Server 2025 (Testcontainers, licence accepted): one container and one
 * database for the class, sql/ deployed with the schema deployer first, and the engine connected as a login that
 * holds only the roles hart_ingest, hart_api and hart_admin (so the grants of sql/095 are exercised too). Every
 * contract runs with chunks bulk-copied into staging (the production path); a few run again with chunks sent as
 * table-valued parameters. Where Docker is absent the whole class is reported skipped ({@link RequiresDocker}).
 */
@ExtendWith(RequiresDocker.class)
class SqlServerContractTest {
    static final String IMAGE = "mcr.microsoft.com/mssql/server:2025-latest";
    static final String DATABASE = "Hartonomous";

    /** Started on first use (after the Docker check), shared by every nested class, reaped by Testcontainers. */
    private static final class Server {
        static final MSSQLServerContainer CONTAINER = new MSSQLServerContainer(DockerImageName.parse(IMAGE))
                .acceptLicense();
        static final String PASSWORD = "Hart-" + UUID.randomUUID() + "-a1";
        static final StorageConfig CONFIG = prepare();

        private static StorageConfig prepare() {
            CONTAINER.start();
            String url = databaseUrl(DATABASE);
            try {
                try (Connection master = admin(CONTAINER.getJdbcUrl()); Statement s = master.createStatement()) {
                    s.execute("CREATE DATABASE " + DATABASE);
                    s.execute("CREATE LOGIN hart_engine WITH PASSWORD = N'" + PASSWORD + "', CHECK_POLICY = OFF");
                }
                try (Connection db = admin(url)) {
                    new SchemaDeployer(Dialect.SQLSERVER).deploy(db, ScriptSource.fromClasspath("sql"));
                    try (Statement s = db.createStatement()) {
                        s.execute("CREATE USER hart_engine FOR LOGIN hart_engine");
                        for (String role : new String[] {"hart_ingest", "hart_api", "hart_admin"}) {
                            s.execute("ALTER ROLE " + role + " ADD MEMBER hart_engine");
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prepare the SQL Server test database: " + e.getMessage(), e);
            }
            return new StorageConfig(url, "hart_engine", PASSWORD, 8, false);
        }

        static String databaseUrl(String database) {
            return CONTAINER.getJdbcUrl() + ";databaseName=" + database;
        }

        static Connection admin(String url) throws SQLException {
            return DriverManager.getConnection(url, CONTAINER.getUsername(), CONTAINER.getPassword());
        }
    }

    /** Runs a query as hart_system (every tenant's rows); binary values come back as hex. */
    static List<List<Object>> asSystem(String sql, Object... parameters) throws SQLException {
        try (Connection db = Server.admin(Server.databaseUrl(DATABASE))) {
            try (Statement s = db.createStatement()) {
                s.execute("EXECUTE AS USER = N'hart_system'");
            }
            List<List<Object>> rows = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    ps.setObject(i + 1, parameters[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                            Object v = rs.getObject(c);
                            row.add(v instanceof byte[] b ? HexFormat.of().formatHex(b) : v);
                        }
                        rows.add(row);
                    }
                }
            }
            try (Statement s = db.createStatement()) {
                s.execute("REVERT");
            }
            return rows;
        }
    }

    /** Chunks of every size through SQLServerBulkCopy and dbo.sp_WriteChunk. */
    static StorageEngine bulk() {
        return SqlServerEngine.open(Server.CONFIG, SqlServerSettings.DEFAULTS.alwaysBulkCopy());
    }

    /** Chunks of every size through dbo.sp_WriteChunkFromTables. */
    static StorageEngine tables() {
        return SqlServerEngine.open(Server.CONFIG, SqlServerSettings.DEFAULTS.alwaysTableValuedParameters());
    }

    @Nested
    class Deletion extends DeletionContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Concepts extends ConceptsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Reasoning extends ReasoningContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Inference extends InferenceContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Atoms extends AtomsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class AtomsViaTableValuedParameters extends AtomsContract {
        @Override
        protected StorageEngine openEngine() {
            return tables();
        }
    }

    @Nested
    class Jobs extends JobsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class JobsViaTableValuedParameters extends JobsContract {
        @Override
        protected StorageEngine openEngine() {
            return tables();
        }
    }

    @Nested
    class Concurrency extends ConcurrencyContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class ConcurrencyViaTableValuedParameters extends ConcurrencyContract {
        @Override
        protected StorageEngine openEngine() {
            return tables();
        }
    }

    @Nested
    class Models extends ModelsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Vectors extends VectorsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Graph extends GraphContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class ProvenanceFeed extends ProvenanceFeedContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Queue extends QueueContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Queues extends QueuesContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Tenancy extends TenancyContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Ooda extends OodaContract {
        @Override
        protected StorageEngine openEngine() {
            return StorageEngines.open(Server.CONFIG);
        }

        @Override
        protected StorageEngine reopenEngine() {
            return StorageEngines.open(Server.CONFIG);
        }
    }

    /** Through the provider (ServiceLoader) with the default settings, as the tiers open it. */
    @Nested
    class Operations extends OperationsContract {
        @Override
        protected StorageEngine openEngine() {
            return StorageEngines.open(Server.CONFIG);
        }
    }

    @Nested
    class Billing extends BillingContract {
        @Override
        protected StorageEngine openEngine() {
            return StorageEngines.open(Server.CONFIG);
        }
    }

    /**
     * SQL Server only: a real photo stored in segments answers the seed-style queries over dbo.AtomCompositions as rows
     * did and is deleted in bounded batches with exact counts; the same photo written row by row, as the engine did
     * before segments, is converted by dbo.sp_MigrateCompositionRows (as 098 runs it) and reads back bit-exact.
     */
    @Nested
    class Segments {
        private static final int PIXELS = 600 * 450;

        private long ingest(StorageEngine engine, String tenant, List<Chunk> chunks) {
            TenantStorage t = engine.forTenant(tenant);
            byte[] name = new byte[32];
            ThreadLocalRandom.current().nextBytes(name);
            JobStart start = t.ingest().startJob(new NewJob(Modality.IMAGE, "snake.png",
                    ContentHash.of(AtomType.file(Modality.IMAGE), name), 1000, "{}", null));
            for (Chunk chunk : chunks) {
                t.ingest().writeChunk(start.job().jobId(), chunk);
            }
            t.ingest().completeJob(start.job().jobId(), null);
            return start.parent().atomId();
        }

        /** Runs a query as hart_system (every tenant's rows), its one parameter the parent. */
        private List<List<Object>> query(String sql, long parent) throws SQLException {
            return asSystem(sql, parent);
        }

        private long number(String sql, long parent) throws SQLException {
            return ((Number) query(sql, parent).getFirst().getFirst()).longValue();
        }

        /** The colour histogram of an image, over the view: value (hex) to how many pixels hold it. */
        private Map<String, Long> histogram(long parent) throws SQLException {
            Map<String, Long> out = new HashMap<>();
            for (List<Object> row : query("SELECT a.AtomicValue, COUNT_BIG(*) FROM dbo.AtomCompositions AS c "
                    + "INNER JOIN dbo.Atoms AS a ON a.AtomId = c.ComponentAtomId WHERE c.ParentAtomId = ? "
                    + "GROUP BY a.AtomicValue", parent)) {
                out.put((String) row.get(0), ((Number) row.get(1)).longValue());
            }
            return out;
        }

        private void migrate() throws SQLException {
            try (Connection db = Server.admin(Server.databaseUrl(DATABASE)); Statement s = db.createStatement()) {
                // As 098 does, in batches that end inside runs.
                s.execute("DECLARE @ParentAtomId BIGINT, @FromSequence BIGINT, @Done BIT = 0; WHILE @Done = 0 "
                        + "EXEC dbo.sp_MigrateCompositionRows @ParentAtomId = @ParentAtomId OUTPUT, "
                        + "@FromSequence = @FromSequence OUTPUT, @MaxPositions = 50000, @Done = @Done OUTPUT;");
            }
        }

        @Test
        void seedStyleQueriesOverTheViewAnswerAsRowsDidAndADeletionReleasesExactly() throws Exception {
            RealFiles.Image image = RealFiles.image("images/snake.png");
            Map<String, Long> expected = new HashMap<>();
            for (long v : image.pixels()) {
                expected.merge(HexFormat.of().formatHex(RealFiles.pixelAtom(v).value()), 1L, Long::sum);
            }
            String tenant = "t-" + UUID.randomUUID().toString().substring(0, 12);
            try (StorageEngine engine = bulk()) {
                long parent = ingest(engine, tenant, RealFiles.imageChunks(image));
                TenantStorage t = engine.forTenant(tenant);
                assertThat(t.atoms().compositionCount(parent)).isEqualTo(PIXELS);
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.CompositionSegments WHERE ParentAtomId = ?", parent))
                        .as("4 chunks of 16 runs and one of 2").isEqualTo(66);
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.AtomCompositionRows WHERE ParentAtomId = ?", parent))
                        .isZero();
                assertThat(number("SELECT SUM(Occurrences) FROM dbo.CompositionDictionary WHERE ParentAtomId = ?",
                        parent)).isEqualTo(PIXELS);
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.CompositionDictionary WHERE ParentAtomId = ?", parent))
                        .isEqualTo(expected.size());

                assertThat(histogram(parent)).isEqualTo(expected);
                List<Object> region = new ArrayList<>();
                for (long y = 200; y < 210; y++) {
                    for (long x = 100; x < 110; x++) {
                        region.add(y * 600 + x);
                    }
                }
                String box = "geometry::STGeomFromText('POLYGON((99.5 199.5, 109.5 199.5, 109.5 209.5, 99.5 209.5, "
                        + "99.5 199.5))', 0)";
                assertThat(query("SELECT SequenceIndex FROM dbo.fn_CompositionsInRegion(" + box + ") "
                        + "WHERE ParentAtomId = ? ORDER BY SequenceIndex", parent)).extracting(r -> r.getFirst())
                        .containsExactlyElementsOf(region);
                assertThat(query("SELECT SequenceIndex FROM dbo.AtomCompositions WHERE ParentAtomId = ? AND "
                        + "SpatialKey.STIntersects(" + box + ") = 1 ORDER BY SequenceIndex", parent))
                        .extracting(r -> r.getFirst()).containsExactlyElementsOf(region);
                long at;
                try (var one = t.atoms().compositions(parent, 123_457, 1)) {
                    at = one.findFirst().orElseThrow().componentAtomId();
                }
                assertThat(number("SELECT ComponentAtomId FROM dbo.AtomCompositions WHERE ParentAtomId = ? "
                        + "AND SequenceIndex = 123457", parent)).isEqualTo(at);

                // Deleted in batches that cut segments: every position released once.
                NewAtom sample = RealFiles.pixelAtom(image.pixels()[123_457]);
                long references = t.atoms().byHash(sample.contentHash()).orElseThrow().referenceCount();
                DeletionJob done = engine.deletions().runToEnd(engine.deletions().request(tenant, parent, false)
                        .jobId(), 10_000);
                assertThat(done.rowsTotal()).isEqualTo(PIXELS);
                assertThat(done.rowsDone()).isEqualTo(PIXELS);
                long left = t.atoms().byHash(sample.contentHash()).map(Atom::referenceCount).orElse(0L);
                assertThat(references - left).isEqualTo(expected.get(HexFormat.of().formatHex(sample.value())));
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.CompositionSegments WHERE ParentAtomId = ?", parent))
                        .isZero();
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.CompositionDictionary WHERE ParentAtomId = ?", parent))
                        .isZero();
            }
        }

        @Test
        void aDatabaseWrittenRowByRowIsMigratedToSegmentsAndReadsBackBitExact() throws Exception {
            RealFiles.Image image = RealFiles.image("images/snake.png");
            String tenant = "t-" + UUID.randomUUID().toString().substring(0, 12);
            try (StorageEngine engine = SqlServerEngine.open(Server.CONFIG,
                    SqlServerSettings.DEFAULTS.alwaysBulkCopy().rowsOnly())) {
                long parent = ingest(engine, tenant, RealFiles.imageChunks(image));
                TenantStorage t = engine.forTenant(tenant);
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.AtomCompositionRows WHERE ParentAtomId = ?", parent))
                        .as("the previous version's rows").isEqualTo(PIXELS);
                List<PlacedValue> before;
                try (var values = t.atoms().placedValues(parent, 0, Long.MAX_VALUE)) {
                    before = values.toList();
                }
                Map<String, Long> histogram = histogram(parent);
                NewAtom sample = RealFiles.pixelAtom(image.pixels()[4242]);
                long references = t.atoms().byHash(sample.contentHash()).orElseThrow().referenceCount();

                migrate();
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.AtomCompositionRows WHERE ParentAtomId = ?", parent))
                        .isZero();
                long segments = number("SELECT COUNT_BIG(*) FROM dbo.CompositionSegments WHERE ParentAtomId = ?",
                        parent);
                assertThat(segments).isPositive();
                List<PlacedValue> after;
                try (var values = t.atoms().placedValues(parent, 0, Long.MAX_VALUE)) {
                    after = values.toList();
                }
                assertThat(after).hasSameSizeAs(before).hasSize(PIXELS);
                for (int i = 0; i < PIXELS; i++) {
                    PlacedValue a = after.get(i);
                    PlacedValue b = before.get(i);
                    assertThat(List.of(a.sequenceIndex(), a.positionX(), a.positionY(), a.type()))
                            .isEqualTo(List.of(b.sequenceIndex(), b.positionX(), b.positionY(), b.type()));
                    assertThat(a.value()).isEqualTo(b.value());
                }
                assertThat(histogram(parent)).isEqualTo(histogram);
                assertThat(t.atoms().byHash(sample.contentHash()).orElseThrow().referenceCount())
                        .as("the same positions point at the same atoms").isEqualTo(references);
                assertThat(number("SELECT SUM(Occurrences) FROM dbo.CompositionDictionary WHERE ParentAtomId = ?",
                        parent)).isEqualTo(PIXELS);

                migrate();
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.CompositionSegments WHERE ParentAtomId = ?", parent))
                        .as("running it again changes nothing").isEqualTo(segments);
            }
        }
    }

    /**
     * SQL Server only: a real safetensors file stored as versioned tensor segments. The seed-style queries over
     * dbo.TensorAtomCoefficients(History) answer as rows did, a weight update rewrites only the segments it touches
     * (history with Replaced), AS OF and rollback read segment versions, and erasing the model counts its weights
     * exactly and leaves nothing behind.
     */
    @Nested
    class Tensors {
        private static final String FILE = "models/safetensors/chunks.safetensors";
        private static final int BIG = 210_000;

        private record Loaded(TenantStorage tenant, String tenantId, long fileAtomId, long modelId,
                              List<RealFiles.Tensor> tensors) {
        }

        private Loaded load(StorageEngine engine) throws Exception {
            List<RealFiles.Tensor> tensors = RealFiles.safetensors(FILE);
            String tenant = "t-" + UUID.randomUUID().toString().substring(0, 12);
            TenantStorage t = engine.forTenant(tenant);
            byte[] name = new byte[32];
            ThreadLocalRandom.current().nextBytes(name);
            JobStart start = t.ingest().startJob(new NewJob(Modality.MODEL, "chunks.safetensors",
                    ContentHash.of(AtomType.file(Modality.MODEL), name), 840_179, "{}", null));
            long job = start.job().jobId();
            Model model = t.ingest().registerModel(job, new NewModel("chunks", "safetensors", "{}",
                    RealFiles.layers(tensors)));
            for (Chunk chunk : RealFiles.modelChunks(tensors, RealFiles.CHUNK)) {
                t.ingest().writeChunk(job, chunk);
            }
            t.ingest().completeJob(job, null);
            return new Loaded(t, tenant, start.parent().atomId(), model.modelId(), tensors);
        }

        private static long number(String sql, Object... parameters) throws SQLException {
            return ((Number) asSystem(sql, parameters).getFirst().getFirst()).longValue();
        }

        private static NewAtom weight(float v) {
            return NewAtom.of(AtomType.of(Modality.MODEL, "f32"),
                    java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
        }

        private static Object utc(Instant t) {
            return java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC);
        }

        private static NewAtom element(Loaded m, int layer, long i) {
            return NewAtom.of(m.tensors().get(layer).type(), m.tensors().get(layer).element(i));
        }

        @Test
        void aModelIsSegmentsOfOneDictionaryAndTheViewsAnswerAsRowsDid() throws Exception {
            try (StorageEngine engine = bulk()) {
                Loaded m = load(engine);
                long id = m.modelId();
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.TensorSegments WHERE ModelId = ?", id))
                        .as("51 whole blocks and a tail of the big tensor, one segment of the small").isEqualTo(53);
                assertThat(number("SELECT SUM(Occurrences) FROM dbo.TensorDictionary WHERE ModelId = ?", id))
                        .isEqualTo(BIG + 10);
                java.util.Set<ContentHash> distinct = new java.util.HashSet<>();
                for (int layer = 0; layer < 2; layer++) {
                    for (long i = 0; i < m.tensors().get(layer).elements(); i++) {
                        distinct.add(element(m, layer, i).contentHash());
                    }
                }
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.TensorDictionary WHERE ModelId = ?", id))
                        .isEqualTo(distinct.size());

                assertThat(m.tenant().models().tensorBytes(id, 0, null)).isEqualTo(m.tensors().get(0).data());
                assertThat(m.tenant().models().tensorBytes(id, 1, null)).isEqualTo(m.tensors().get(1).data());
                try (var cells = m.tenant().models().tensor(id, 1, null)) {
                    assertThat(cells.map(c -> HexFormat.of().formatHex(c.value())).toList()).containsExactlyElementsOf(
                            java.util.stream.LongStream.range(0, 10).mapToObj(i -> HexFormat.of()
                                    .formatHex(m.tensors().get(1).element(i))).toList());
                }
                // A weight by position, and the value histogram of a tensor, over the view.
                assertThat(asSystem("SELECT a.AtomicValue FROM dbo.TensorAtomCoefficients AS c INNER JOIN dbo.Atoms AS a "
                        + "ON a.AtomId = c.TensorAtomId WHERE c.ModelId = ? AND c.LayerIdx = 0 AND c.PositionZ = 0 "
                        + "AND c.PositionY = 2 AND c.PositionX = 12345", id).getFirst().getFirst())
                        .isEqualTo(HexFormat.of().formatHex(m.tensors().get(0).element(2 * 70_000 + 12_345)));
                Map<String, Long> histogram = new HashMap<>();
                for (long i = 0; i < 10; i++) {
                    histogram.merge(HexFormat.of().formatHex(m.tensors().get(1).element(i)), 1L, Long::sum);
                }
                Map<String, Long> viewed = new HashMap<>();
                for (List<Object> row : asSystem("SELECT a.AtomicValue, COUNT_BIG(*) FROM dbo.TensorAtomCoefficients "
                        + "AS c INNER JOIN dbo.Atoms AS a ON a.AtomId = c.TensorAtomId WHERE c.ModelId = ? "
                        + "AND c.LayerIdx = 1 GROUP BY a.AtomicValue", id)) {
                    viewed.put((String) row.get(0), ((Number) row.get(1)).longValue());
                }
                assertThat(viewed).isEqualTo(histogram);
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.TensorAtomCoefficients WHERE ModelId = ?", id))
                        .isEqualTo(BIG + 10);
                assertThat(engine.rowCounts()).containsKeys("TensorSegments", "TensorSegmentsHistory",
                        "TensorDictionary");
            }
        }

        @Test
        void anUpdateRewritesOnlyItsSegmentsAndAsOfAndRollbackReadTheirVersions() throws Exception {
            try (StorageEngine engine = bulk()) {
                Loaded m = load(engine);
                long id = m.modelId();
                Thread.sleep(5);
                Instant before = Instant.now();
                Thread.sleep(5);
                NewAtom tuned = weight(12_345.5f);
                // Elements 1 and 2 (block 0) and 70,001 (row 1, block 17): two segments, three values.
                int changed = m.tenant().models().updateWeights(id, 0, List.of(new WeightUpdate(1, 0, 0, tuned),
                        new WeightUpdate(2, 0, 0, tuned), new WeightUpdate(1, 1, 0, tuned)));
                assertThat(changed).isEqualTo(3);
                assertThat(asSystem("SELECT FirstIndex, Replaced FROM dbo.TensorSegmentsHistory WHERE ModelId = ? "
                        + "ORDER BY FirstIndex", id)).containsExactly(List.of(0L, 2), List.of(69_632L, 1));
                assertThat(number("SELECT COUNT_BIG(*) FROM dbo.TensorSegments WHERE ModelId = ? AND ValidFrom > ?",
                        id, utc(before))).as("only the touched segments are new").isEqualTo(2);
                byte[] now = m.tenant().models().tensorBytes(id, 0, null);
                byte[] then = m.tenant().models().tensorBytes(id, 0, before);
                assertThat(then).isEqualTo(m.tensors().get(0).data());
                byte[] expected = m.tensors().get(0).data().clone();
                for (int e : new int[] {1, 2, 70_001}) {
                    System.arraycopy(tuned.value(), 0, expected, e * 4, 4);
                }
                assertThat(now).as("the three weights changed, no other").isEqualTo(expected);
                assertThat(m.tenant().atoms().byHash(tuned.contentHash()).orElseThrow().referenceCount()).isEqualTo(3);
                // The seed-style AS OF query over the views gives the weights as they were.
                Object t = utc(before);
                assertThat(number("SELECT COUNT_BIG(*) FROM (SELECT PositionX FROM dbo.TensorAtomCoefficients "
                        + "WHERE ModelId = ? AND LayerIdx = 0 AND ValidFrom <= ? UNION ALL SELECT PositionX "
                        + "FROM dbo.TensorAtomCoefficientsHistory WHERE ModelId = ? AND LayerIdx = 0 AND ValidFrom <= ? "
                        + "AND ValidTo > ?) AS v", id, t, id, t, t)).isEqualTo(BIG);

                RollbackReport dry = m.tenant().models().rollback(id, before, true);
                assertThat(dry.coefficientsChanged()).isEqualTo(3);
                assertThat(m.tenant().models().tensorBytes(id, 0, null)).isEqualTo(now);
                RollbackReport done = m.tenant().models().rollback(id, before, false);
                assertThat(done.coefficientsChanged()).isEqualTo(3);
                assertThat(m.tenant().models().tensorBytes(id, 0, null)).isEqualTo(m.tensors().get(0).data());
                assertThat(m.tenant().atoms().byHash(tuned.contentHash()).orElseThrow().referenceCount()).isZero();
                assertThat(number("SELECT SUM(Replaced) FROM dbo.TensorSegmentsHistory WHERE ModelId = ?", id))
                        .as("the update's three and the rollback's three").isEqualTo(6);
                assertThat(number("SELECT SUM(Occurrences) FROM dbo.TensorDictionary WHERE ModelId = ?", id))
                        .isEqualTo(BIG + 10);
                assertThat(m.tenant().models().rollback(id, before, false).coefficientsChanged())
                        .as("nothing left to put back").isZero();
            }
        }

        @Test
        void erasingTheModelCountsItsWeightsAndLeavesNothing() throws Exception {
            try (StorageEngine engine = bulk()) {
                Loaded m = load(engine);
                long id = m.modelId();
                m.tenant().models().updateWeights(id, 1, List.of(new WeightUpdate(3, 0, 0, weight(-0.25f))));
                NewAtom sample = element(m, 0, 777);
                long held = 0;
                for (long i = 0; i < BIG; i++) {
                    held += Arrays.equals(m.tensors().get(0).element(i), sample.value()) ? 1 : 0;
                }
                long references = m.tenant().atoms().byHash(sample.contentHash()).orElseThrow().referenceCount();
                DeletionJob started = engine.deletions().request(m.tenantId(), m.fileAtomId(), true);
                assertThat(started.rowsTotal()).as("weights, their removal's versions, the update's one")
                        .isEqualTo(2L * (BIG + 10) + 1);
                DeletionJob done = engine.deletions().runToEnd(started.jobId(), 10_000);
                assertThat(done.rowsDone()).isEqualTo(started.rowsTotal());
                for (String table : List.of("TensorSegments", "TensorSegmentsHistory", "TensorDictionary")) {
                    assertThat(number("SELECT COUNT_BIG(*) FROM dbo." + table + " WHERE ModelId = ?", id)).as(table)
                            .isZero();
                }
                // Released by exactly the positions the model held it at (other tests' models may hold it too).
                long left = m.tenant().atoms().byHash(sample.contentHash()).map(Atom::referenceCount).orElse(0L);
                assertThat(references - left).isEqualTo(held);
            }
        }
    }

    @Nested
    class Deployment {
        @Test
        void redeployingChangesNothingAndTheVerificationPassed() throws SQLException {
            try (Connection db = Server.admin(Server.databaseUrl(DATABASE))) {
                DeployPlan again = new SchemaDeployer(Dialect.SQLSERVER).deploy(db, ScriptSource.fromClasspath("sql"));
                assertThat(again.toApply()).isEmpty();
            }
            try (StorageEngine engine = StorageEngines.open(Server.CONFIG)) {
                assertThat(engine.engineName()).isEqualTo("sqlserver");
                assertThat(engine.isReachable()).isTrue();
            }
        }

        @Test
        void aDatabaseWithoutTheSchemaIsRefusedWithAHint() throws SQLException {
            try (Connection master = Server.admin(Server.CONTAINER.getJdbcUrl()); Statement s = master.createStatement()) {
                s.execute("IF DB_ID(N'Empty') IS NULL CREATE DATABASE Empty");
            }
            StorageConfig empty = new StorageConfig(Server.databaseUrl("Empty"), Server.CONTAINER.getUsername(),
                    Server.CONTAINER.getPassword(), 2, false);
            assertThatThrownBy(() -> StorageEngines.open(empty)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("deploy-schema");
        }

        @Test
        void aReadIntentPoolServesReads() {
            StorageConfig read = new StorageConfig(Server.CONFIG.url(), Server.CONFIG.user(), Server.CONFIG.password(),
                    2, true);
            try (StorageEngine engine = StorageEngines.open(read)) {
                assertThat(engine.forTenant("reader").models().list()).isEmpty();
                assertThat(engine.rowCounts()).containsKey("Atoms");
            }
        }
    }
}
