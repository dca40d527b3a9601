package io.hartonomous.storage.engine.sqlserver;

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

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The production storage engine: SQL Server 2025 through the procedures of sql/ (deployed beforehand with
 * {@code ./hart deploy-schema}), mssql-jdbc behind a HikariCP pool. Tenant work runs under row-level security on
 * SESSION_CONTEXT(N'TenantId'); chunks are bulk-copied into staging and merged by dbo.sp_WriteChunk.
 */
public final class SqlServerEngine implements StorageEngine {
    /**
     * Procedures every deployed schema has, one each that hart_ingest / hart_api (dbo.sp_GetAtom) and hart_admin
     * (dbo.sp_ListApiKeys) may execute: metadata is visible only where a permission is, so a login in any of the
     * roles sees one of them, and neither exists before sql/ is deployed.
     */
    static final List<Procedure> SCHEMA_PROBES = List.of(Procedures.GET_ATOM, Procedures.LIST_API_KEYS);
    static final String SCHEMA_PROBE = "SELECT COALESCE(" + String.join(", ", SCHEMA_PROBES.stream()
            .map(p -> "OBJECT_ID(N'" + p.name() + "', N'P')").toList()) + ")";

    private final HikariDataSource pool;
    private final SqlServerSettings settings;
    private final Session engineWide;
    private final Landmarks landmarks = new Landmarks();
    private final ChunkWriter chunks;
    private final SqlServerMessageQueue queue;
    private final SqlServerProvenanceFeed provenanceFeed;
    private final SqlServerApiKeyStore apiKeys;

    private SqlServerEngine(HikariDataSource pool, SqlServerSettings settings) {
        this.pool = pool;
        this.settings = settings;
        this.engineWide = new Session(pool, null, settings.maxAttempts());
        this.chunks = new ChunkWriter(settings);
        this.queue = new SqlServerMessageQueue(engineWide);
        this.provenanceFeed = new SqlServerProvenanceFeed(engineWide);
        this.apiKeys = new SqlServerApiKeyStore(engineWide);
    }

    public static SqlServerEngine open(StorageConfig config) {
        return open(config, SqlServerSettings.DEFAULTS);
    }

    public static SqlServerEngine open(StorageConfig config, SqlServerSettings settings) {
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(ConnectionPools.hikari(config));
        } catch (RuntimeException e) {
            throw new StorageException("cannot connect to SQL Server at " + config.url() + ": " + rootMessage(e), e);
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SCHEMA_PROBE)) {
            if (!rs.next() || rs.getObject(1) == null) {
                throw new StorageException("the database at " + config.url() + " has no Hartonomous schema (or "
                        + "login " + config.user() + " is in none of the roles hart_ingest, hart_api, hart_admin): "
                        + "run ./hart deploy-schema --url ... first");
            }
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e instanceof StorageException se ? se
                    : new StorageException("cannot check the schema at " + config.url() + ": " + rootMessage(e), e);
        }
        return new SqlServerEngine(pool, settings);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    SqlServerSettings settings() {
        return settings;
    }

    @Override
    public String engineName() {
        return "sqlserver";
    }

    @Override
    public TenantStorage forTenant(String tenantId) {
        // Every unit of work of these stores runs with this tenant in SESSION_CONTEXT (row-level security).
        Session session = new Session(pool, Tenants.requireValid(tenantId), settings.maxAttempts());
        return new TenantStores(tenantId, new SqlServerAtomReads(session), new SqlServerIngestWrites(session, chunks),
                new SqlServerModelStore(session), new SqlServerVectorStore(session, landmarks),
                new SqlServerProvenanceGraph(session), new SqlServerUsageLedger(session));
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
        return engineWide.list(Procedures.UNFINISHED_JOBS, call -> { }, SqlRows::job);
    }

    @Override
    public Map<String, Long> rowCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        record Count(String table, long rows) {
        }
        for (Count count : engineWide.list(Procedures.ROW_COUNTS, call -> { },
                rs -> new Count(rs.getString("TableName"), rs.getLong("TableRows")))) {
            counts.put(count.table(), count.rows());
        }
        return counts;
    }

    @Override
    public PoolStats poolStats() {
        return HikariPoolStats.of(pool);
    }

    @Override
    public boolean isReachable() {
        try {
            return engineWide.run("reachability", c -> {
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
