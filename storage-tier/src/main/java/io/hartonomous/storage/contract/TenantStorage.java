package io.hartonomous.storage.contract;

/** Everything a tenant may do; every call runs under this tenant's predicate (RLS on SQL Server). */
public interface TenantStorage {
    String tenantId();

    AtomReads atoms();

    IngestWrites ingest();

    ModelStore models();

    VectorStore vectors();

    ProvenanceGraph graph();

    UsageLedger usage();
}
