package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.billing.BillingPlans;
import io.hartonomous.storage.contract.deletion.Deletions;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.keys.ApiKeyStore;
import io.hartonomous.storage.contract.ooda.OodaLoop;
import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.contract.operations.MessageQueue;

import java.util.List;
import java.util.Map;

/** One storage tier behind the contract: the embedded engine (H2) or SQL Server 2025. */
public interface StorageEngine extends AutoCloseable {
    /** "embedded" or "sqlserver". */
    String engineName();

    TenantStorage forTenant(String tenantId);

    MessageQueue queue();

    /** Every change of every tenant's provenance graph, for the cold tier (at least once; see the interface). */
    ProvenanceFeed provenanceFeed();

    ApiKeyStore apiKeys();

    /** Deleting files: ownership, then their rows in resumable batches (engine-wide; see the interface). */
    Deletions deletions();

    /** The self-tuning loop (Analyze, Hypothesize, Act, Learn) with its approvals and emergency stop. */
    OodaLoop ooda();

    /** Every queue's figures and dead letters (engine-wide; see the interface). */
    DeadLetters deadLetters();

    /** Rate plans and the plan of each tenant (operators'; a tenant's own uses are priced by its UsageLedger). */
    BillingPlans billing();

    /** RUNNING jobs of every tenant: what a restarted ingest tier resumes. */
    List<IngestionJob> unfinishedJobs();

    /** Row counts per table, for operators. */
    Map<String, Long> rowCounts();

    /** The engine's connection pool right now (for operators' metrics). */
    PoolStats poolStats();

    /** True when the storage answers a trivial query. */
    boolean isReachable();

    @Override
    void close();
}
