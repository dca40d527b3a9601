package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.AtomReads;
import io.hartonomous.storage.contract.IngestWrites;
import io.hartonomous.storage.contract.ModelStore;
import io.hartonomous.storage.contract.ProvenanceGraph;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.UsageLedger;
import io.hartonomous.storage.contract.VectorStore;

/** SQL Server as one tenant sees it: every unit of work runs with this tenant in SESSION_CONTEXT (RLS). */
final class SqlServerTenantStorage implements TenantStorage {
    private final String tenantId;
    private final AtomReads atoms;
    private final IngestWrites ingest;
    private final ModelStore models;
    private final VectorStore vectors;
    private final ProvenanceGraph graph;
    private final UsageLedger usage;

    SqlServerTenantStorage(Session session, Landmarks landmarks, ChunkWriter chunks) {
        this.tenantId = session.tenantId();
        this.atoms = new SqlServerAtomReads(session);
        this.ingest = new SqlServerIngestWrites(session, chunks);
        this.models = new SqlServerModelStore(session);
        this.vectors = new SqlServerVectorStore(session, landmarks);
        this.graph = new SqlServerProvenanceGraph(session);
        this.usage = new SqlServerUsageLedger(session);
    }

    @Override
    public String tenantId() {
        return tenantId;
    }

    @Override
    public AtomReads atoms() {
        return atoms;
    }

    @Override
    public IngestWrites ingest() {
        return ingest;
    }

    @Override
    public ModelStore models() {
        return models;
    }

    @Override
    public VectorStore vectors() {
        return vectors;
    }

    @Override
    public ProvenanceGraph graph() {
        return graph;
    }

    @Override
    public UsageLedger usage() {
        return usage;
    }
}
