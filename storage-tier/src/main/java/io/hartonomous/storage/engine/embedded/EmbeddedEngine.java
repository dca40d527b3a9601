package io.hartonomous.storage.engine.embedded;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hartonomous.storage.contract.keys.ApiKeyStore;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.operations.MessageQueue;
import io.hartonomous.storage.contract.PoolStats;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.engine.HikariPoolStats;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.TenantStores;
import io.hartonomous.storage.contract.Tenants;
import io.hartonomous.storage.deploy.Dialect;
import io.hartonomous.storage.deploy.SchemaDeployer;
import io.hartonomous.storage.deploy.ScriptSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded storage engine: H2 2.5 (file database or its TCP server) with JTS geometry, behind a HikariCP pool.
 * The schema comes from the packaged {@code embedded/} scripts through the same deployer SQL Server uses.
 */
public final class EmbeddedEngine implements StorageEngine {
    static final List<String> TABLES = List.of("Atoms", "AtomOwners", "AtomCompositions", "Models", "ModelLayers",
            "ModelLayersHistory", "TensorAtomCoefficients", "TensorAtomCoefficientsHistory", "WeightSnapshots",
            "AtomEmbeddings", "SpatialLandmarks", "AtomGraphNodes", "AtomGraphEdges", "IngestionJobs",
            "QueueMessages", "TenantApiKeys", "UsageLedger");

    private final HikariDataSource pool;
    private final Transactions tx;
    private final EmbeddedMessageQueue queue;
    private final EmbeddedProvenanceFeed provenanceFeed;
    private final EmbeddedApiKeyStore apiKeys;
    private final LandmarkProjection projection;

    private EmbeddedEngine(HikariDataSource pool) {
        this.pool = pool;
        this.tx = new Transactions(pool);
        this.queue = new EmbeddedMessageQueue(tx);
        this.provenanceFeed = new EmbeddedProvenanceFeed(pool);
        this.apiKeys = new EmbeddedApiKeyStore(tx);
        this.projection = new LandmarkProjection();
    }

    public static EmbeddedEngine open(StorageConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(withSettings(config.url()));
        hikari.setUsername(config.user());
        hikari.setPassword(config.password() == null ? "" : config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(1);
        hikari.setPoolName("hart-embedded");
        hikari.setConnectionTimeout(30_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StorageException("cannot open the embedded storage at " + config.url() + ": "
                    + rootMessage(e), e);
        }
        try (Connection connection = pool.getConnection()) {
            new SchemaDeployer(Dialect.H2).deploy(connection, ScriptSource.fromClasspath("embedded"));
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw new StorageException("cannot prepare the embedded schema: " + rootMessage(e), e);
        }
        return new EmbeddedEngine(pool);
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

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public String engineName() {
        return "embedded";
    }

    @Override
    public TenantStorage forTenant(String tenantId) {
        // Every store applies this tenant's visibility (see Visibility) to what it reads and writes.
        String tenant = Tenants.requireValid(tenantId);
        AtomUpserter upserter = new AtomUpserter();
        return new TenantStores(tenant, new EmbeddedAtomReads(tenant, tx),
                new EmbeddedIngestWrites(tenant, tx, upserter), new EmbeddedModelStore(tenant, tx, upserter),
                new EmbeddedVectorStore(tenant, tx, projection), new EmbeddedProvenanceGraph(tenant, tx),
                new EmbeddedUsageLedger(tenant, tx));
    }

    @Override
    public MessageQueue queue() {
        return queue;
    }

    @Override
    public ProvenanceFeed provenanceFeed() {
        return provenanceFeed;
    }

    @Override
    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    @Override
    public List<IngestionJob> unfinishedJobs() {
        return tx.read(c -> {
            List<IngestionJob> jobs = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + Rows.JOB_COLUMNS + " FROM IngestionJobs WHERE State = 'RUNNING' ORDER BY JobId");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(Rows.job(rs));
                }
            }
            return jobs;
        });
    }

    @Override
    public Map<String, Long> rowCounts() {
        return tx.read(c -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            try (Statement s = c.createStatement()) {
                for (String table : TABLES) {
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                        rs.next();
                        counts.put(table, rs.getLong(1));
                    }
                }
            }
            return counts;
        });
    }

    @Override
    public PoolStats poolStats() {
        return HikariPoolStats.of(pool);
    }

    @Override
    public boolean isReachable() {
        try {
            return tx.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                    return rs.next();
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
