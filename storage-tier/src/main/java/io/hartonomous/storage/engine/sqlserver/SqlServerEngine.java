package io.hartonomous.storage.engine.sqlserver;

import com.zaxxer.hikari.HikariDataSource;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.TenantStores;
import io.hartonomous.storage.contract.billing.BillingPlans;
import io.hartonomous.storage.contract.deletion.Deletions;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ooda.OodaLoop;
import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.engine.jdbc.HikariPools;
import io.hartonomous.storage.engine.jdbc.JdbcStorageEngine;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The production storage engine: SQL Server 2025 through the procedures of sql/ (deployed beforehand with
 * {@code ./hart deploy-schema}), mssql-jdbc behind a HikariCP pool. Tenant work runs under row-level security on
 * SESSION_CONTEXT(N'TenantId'); chunks are bulk-copied into staging and merged by dbo.sp_WriteChunk.
 */
public final class SqlServerEngine extends JdbcStorageEngine {
    /**
     * Procedures every deployed schema has, one each that hart_ingest / hart_api (dbo.sp_GetAtom) and hart_admin
     * (dbo.sp_ListApiKeys) may execute: metadata is visible only where a permission is, so a login in any of the
     * roles sees one of them, and neither exists before sql/ is deployed.
     */
    static final List<Procedure> SCHEMA_PROBES = List.of(Procedures.GET_ATOM, Procedures.LIST_API_KEYS);
    static final String SCHEMA_PROBE = "SELECT COALESCE(" + String.join(", ", SCHEMA_PROBES.stream()
            .map(p -> "OBJECT_ID(N'" + p.name() + "', N'P')").toList()) + ")";

    private final SqlServerSettings settings;
    private final Session engineWide;
    private final Landmarks landmarks = new Landmarks();
    private final BulkChunkWriter chunks;
    private final Deletions deletions;
    private final SqlServerOoda ooda;
    private final SqlServerDeadLetters deadLetters;
    private final SqlServerBillingPlans billing;

    private SqlServerEngine(HikariDataSource pool, SqlServerSettings settings, Session engineWide) {
        super(pool, engineWide.units(), new SqlServerMessageQueue(engineWide),
                new SqlServerProvenanceFeed(engineWide), new SqlServerApiKeyStore(engineWide));
        this.settings = settings;
        this.engineWide = engineWide;
        this.chunks = new BulkChunkWriter(settings);
        this.deletions = new SqlServerDeletions(engineWide);
        // A rebuild is engine-wide: dbo.sp_GetSpatialLandmarkSample reads every tenant's embeddings (as hart_system);
        // the tenant is the one the rebuild-projection command uses.
        this.ooda = new SqlServerOoda(engineWide, type -> forTenant("system").vectors().rebuildProjection(type));
        this.deadLetters = new SqlServerDeadLetters(engineWide);
        this.billing = new SqlServerBillingPlans(engineWide);
    }

    public static SqlServerEngine open(StorageConfig config) {
        return open(config, SqlServerSettings.DEFAULTS);
    }

    public static SqlServerEngine open(StorageConfig config, SqlServerSettings settings) {
        HikariDataSource pool = HikariPools.open(ConnectionPools.hikari(config),
                "cannot connect to SQL Server at " + config.url(), c -> {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SCHEMA_PROBE)) {
                        if (!rs.next() || rs.getObject(1) == null) {
                            throw new StorageException("the database at " + config.url() + " has no Hartonomous "
                                    + "schema (or login " + config.user() + " is in none of the roles hart_ingest, "
                                    + "hart_api, hart_admin): run ./hart deploy-schema --url ... first");
                        }
                    }
                }, "cannot check the schema at " + config.url());
        return new SqlServerEngine(pool, settings, new Session(pool, null, settings.maxAttempts()));
    }

    SqlServerSettings settings() {
        return settings;
    }

    @Override
    public String engineName() {
        return "sqlserver";
    }

    @Override
    public Deletions deletions() {
        return deletions;
    }

    @Override
    public OodaLoop ooda() {
        return ooda;
    }

    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    protected TenantStores storesFor(String tenantId) {
        // Every unit of work of these stores runs with this tenant in SESSION_CONTEXT (row-level security).
        Session session = new Session(engineWide.units(), tenantId);
        SqlServerVectorStore vectors = new SqlServerVectorStore(session, landmarks);
        return new TenantStores(tenantId, new SqlServerAtomReads(session), new SqlServerIngestWrites(session, chunks),
                new SqlServerModelStore(session), vectors, new SqlServerProvenanceGraph(session),
                new SqlServerUsageLedger(session), new SqlServerInferenceStore(session),
                new SqlServerConceptStore(session, vectors), new SqlServerReasoningStore(session));
    }

    @Override
    public BillingPlans billing() {
        return billing;
    }

    @Override
    public List<IngestionJob> unfinishedJobs() {
        return engineWide.list(Procedures.UNFINISHED_JOBS, call -> { }, SqlRows.RECORDS::job);
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
}
