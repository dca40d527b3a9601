package io.hartonomous.storage.engine.embedded;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.TenantStores;
import io.hartonomous.storage.contract.billing.BillingPlans;
import io.hartonomous.storage.contract.deletion.Deletions;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ooda.OodaLoop;
import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.deploy.Dialect;
import io.hartonomous.storage.deploy.SchemaDeployer;
import io.hartonomous.storage.deploy.ScriptSource;
import io.hartonomous.storage.engine.jdbc.HikariPools;
import io.hartonomous.storage.engine.jdbc.JdbcStorageEngine;
import io.hartonomous.storage.engine.jdbc.OperationTimings;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded storage engine: H2 2.5 (file database or its TCP server) with JTS geometry, behind a HikariCP pool.
 * The schema comes from the packaged {@code embedded/} scripts through the same deployer SQL Server uses. Tenancy is
 * a predicate in every statement (see Visibility), so connections need no session state.
 */
public final class EmbeddedEngine extends JdbcStorageEngine {
    static final List<String> TABLES = List.of("Atoms", "AtomOwners", "AtomCompositions", "Models", "ModelLayers",
            "ModelLayersHistory", "TensorAtomCoefficients", "TensorAtomCoefficientsHistory", "WeightSnapshots",
            "AtomEmbeddings", "SpatialLandmarks", "AtomGraphNodes", "AtomGraphEdges", "IngestionJobs",
            "QueueMessages", "TenantApiKeys", "UsageLedger", "RatePlans", "OperationRates", "BillingMultipliers",
            "TenantRatePlans", "CompositionSegments", "CompositionDictionary", "AtomCompositionRows", "TensorSegments",
            "TensorSegmentsHistory", "TensorDictionary");

    /**
     * The views that keep the row-per-position names (embedded/145, 165) count their rows from the segments: the
     * same number, without expanding every position.
     */
    private static final Map<String, String> VIEW_COUNTS = Map.of(
            "AtomCompositions", "SELECT (SELECT COALESCE(SUM(PositionCount), 0) FROM CompositionSegments) "
                    + "+ (SELECT COUNT(*) FROM AtomCompositionRows)",
            "TensorAtomCoefficients", "SELECT COALESCE(SUM(PositionCount), 0) FROM TensorSegments",
            "TensorAtomCoefficientsHistory", "SELECT COALESCE(SUM(PositionCount), 0) FROM TensorSegmentsHistory");

    /** Attempts of a unit that keeps losing races: busy chunk writers on one file database need a few. */
    private static final int MAX_ATTEMPTS = 12;
    /** The random pause before attempt n+1 is at most n times this. */
    private static final long BACK_OFF_STEP_MILLIS = 5;

    /** How often each engine writes its timings for the OODA loop (OperationTimingsTable). */
    private static final Duration TIMINGS_FLUSH = Duration.ofMinutes(1);

    private final UnitOfWork tx;
    private final EmbeddedDeadLetters deadLetters;
    private final LandmarkProjection projection = new LandmarkProjection();
    private final HeldAtoms held = HeldAtoms.forHeap(Runtime.getRuntime().maxMemory());
    private final OperationTimings timings;
    private final EmbeddedOoda ooda;
    private final EmbeddedBillingPlans billing;
    private final Deletions deletions;

    private EmbeddedEngine(HikariDataSource pool, UnitOfWork tx, OperationTimings timings) {
        super(pool, tx, new EmbeddedMessageQueue(tx), new EmbeddedProvenanceFeed(tx), new EmbeddedApiKeyStore(tx));
        this.tx = tx;
        this.deletions = new EmbeddedDeletions(tx);
        this.timings = timings;
        timings.flushTo(new OperationTimingsTable(tx));
        // A projection rebuild is engine-wide (every tenant's embeddings of the type): the store's tenant is unused.
        this.ooda = new EmbeddedOoda(tx, new OodaObservations(), new OodaActions(tx,
                type -> new EmbeddedVectorStore(null, tx, projection).rebuildProjection(type)), timings::flush);
        this.deadLetters = new EmbeddedDeadLetters(tx);
        this.billing = new EmbeddedBillingPlans(tx);
    }

    public static EmbeddedEngine open(StorageConfig config) {
        HikariConfig hikari = HikariPools.config(config, withSettings(config.url()), "hart-embedded", 1);
        HikariDataSource pool = HikariPools.open(hikari, "cannot open the embedded storage at " + config.url(),
                c -> {
                    new SchemaDeployer(Dialect.H2).deploy(c, ScriptSource.fromClasspath("embedded"));
                    // Rows written one per position before segments (embedded/140, 160 kept them) become segments; a
                    // no-op once converted, and an open after a crash mid-way continues where it stopped.
                    new CompositionRowMigration(c, CompositionRowMigration.BATCH_POSITIONS).runToEnd();
                    new TensorRowMigration(c, TensorRowMigration.BATCH_POSITIONS).runToEnd();
                },
                "cannot prepare the embedded schema");
        // The units' own timings are the OODA loop's slow-query observation (H2 has no query store).
        OperationTimings timings = new OperationTimings(TIMINGS_FLUSH);
        return new EmbeddedEngine(pool, new UnitOfWork(pool, H2Errors.FAILURES, MAX_ATTEMPTS, BACK_OFF_STEP_MILLIS)
                .timed(timings), timings);
    }

    /** Lock waits long enough for busy chunk writers; retries handle the rest. */
    private static String withSettings(String url) {
        StringBuilder u = new StringBuilder(url);
        if (!url.toUpperCase().contains("LOCK_TIMEOUT")) {
            u.append(";LOCK_TIMEOUT=20000");
        }
        if (url.startsWith("jdbc:h2:file:") && !url.toUpperCase().contains("DB_CLOSE_ON_EXIT")) {
            u.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        if (url.startsWith("jdbc:h2:file:") && !url.toUpperCase().contains("CACHE_SIZE")) {
            u.append(";CACHE_SIZE=").append(cacheKilobytes());
        }
        return u.toString();
    }

    /**
     * H2's page cache for a database this process opens: a quarter of the heap (at least H2's own 16 MB default), so
     * that the pages of 8 KB embedding rows a search touches can stay deserialized in H2 rather than be read back
     * from the operating system's file cache (docs/benchmarks.md, "search", measures both).
     */
    public static long cacheKilobytes() {
        return Math.max(16 * 1024, Runtime.getRuntime().maxMemory() / 4 / 1024);
    }

    @Override
    public String engineName() {
        return "embedded";
    }

    @Override
    public Deletions deletions() {
        return deletions;
    }

    @Override
    public OodaLoop ooda() {
        return ooda;
    }

    /** Writes this engine's timings now (they are otherwise written at most every minute). */
    void flushTimings() {
        timings.flush();
    }

    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    protected TenantStores storesFor(String tenant) {
        // Every store applies this tenant's visibility (see Visibility) to what it reads and writes.
        AtomUpserter upserter = new AtomUpserter();
        EmbeddedProvenanceGraph graph = new EmbeddedProvenanceGraph(tenant, tx);
        EmbeddedVectorStore vectors = new EmbeddedVectorStore(tenant, tx, projection);
        EmbeddedInferenceStore inference = new EmbeddedInferenceStore(tenant, tx, graph);
        return new TenantStores(tenant, new EmbeddedAtomReads(tenant, tx),
                new EmbeddedIngestWrites(tenant, tx, upserter, held), new EmbeddedModelStore(tenant, tx, upserter),
                vectors, graph, new EmbeddedUsageLedger(tenant, tx), inference,
                new EmbeddedConceptStore(tenant, tx, vectors, inference),
                new EmbeddedReasoningStore(tenant, tx, vectors));
    }

    @Override
    public BillingPlans billing() {
        return billing;
    }

    @Override
    public List<IngestionJob> unfinishedJobs() {
        return tx.read("unfinishedJobs", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + Rows.JOB_COLUMNS + " FROM IngestionJobs WHERE State = 'RUNNING' ORDER BY JobId");
                 ResultSet rs = ps.executeQuery()) {
                List<IngestionJob> jobs = new ArrayList<>();
                while (rs.next()) {
                    jobs.add(Rows.RECORDS.job(rs));
                }
                return jobs;
            }
        });
    }

    @Override
    public Map<String, Long> rowCounts() {
        return tx.read("rowCounts", c -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            try (Statement s = c.createStatement()) {
                for (String table : TABLES) {
                    try (ResultSet rs = s.executeQuery(VIEW_COUNTS.getOrDefault(table, "SELECT COUNT(*) FROM " + table))) {
                        rs.next();
                        counts.put(table, rs.getLong(1));
                    }
                }
            }
            return counts;
        });
    }
}
