package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.AtomsContract;
import io.hartonomous.storage.contract.BillingContract;
import io.hartonomous.storage.contract.ConcurrencyContract;
import io.hartonomous.storage.contract.DeletionContract;
import io.hartonomous.storage.contract.GraphContract;
import io.hartonomous.storage.contract.JobsContract;
import io.hartonomous.storage.contract.ModelsContract;
import io.hartonomous.storage.contract.OodaContract;
import io.hartonomous.storage.contract.OperationsContract;
import io.hartonomous.storage.contract.ProvenanceFeedContract;
import io.hartonomous.storage.contract.QueueContract;
import io.hartonomous.storage.contract.QueuesContract;
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
import java.util.ArrayList;
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
            try (Connection db = Server.admin(Server.databaseUrl(DATABASE))) {
                try (Statement s = db.createStatement()) {
                    s.execute("EXECUTE AS USER = N'hart_system'");
                }
                List<List<Object>> rows = new ArrayList<>();
                try (PreparedStatement ps = db.prepareStatement(sql)) {
                    ps.setLong(1, parent);
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
