package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.AtomReads;
import io.hartonomous.storage.contract.IngestWrites;
import io.hartonomous.storage.contract.ModelStore;
import io.hartonomous.storage.contract.ProvenanceGraph;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.UsageLedger;
import io.hartonomous.storage.contract.VectorStore;

/** The embedded engine as one tenant sees it: every feature applies {@link Visibility} for this tenant. */
final class EmbeddedTenantStorage implements TenantStorage {
    private final String tenantId;
    private final AtomReads atoms;
    private final IngestWrites ingest;
    private final ModelStore models;
    private final VectorStore vectors;
    private final ProvenanceGraph graph;
    private final UsageLedger usage;

    EmbeddedTenantStorage(String tenantId, Transactions tx, LandmarkProjection projection) {
        this.tenantId = tenantId;
        AtomUpserter upserter = new AtomUpserter();
        this.atoms = new EmbeddedAtomReads(tenantId, tx);
        this.ingest = new EmbeddedIngestWrites(tenantId, tx, upserter);
        this.models = new EmbeddedModelStore(tenantId, tx, upserter);
        this.vectors = new EmbeddedVectorStore(tenantId, tx, projection);
        this.graph = new EmbeddedProvenanceGraph(tenantId, tx);
        this.usage = new EmbeddedUsageLedger(tenantId, tx);
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
