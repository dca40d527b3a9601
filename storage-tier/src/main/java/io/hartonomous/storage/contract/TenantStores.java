package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.ingest.IngestWrites;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.contract.operations.UsageLedger;
import io.hartonomous.storage.contract.reasoning.ConceptStore;
import io.hartonomous.storage.contract.reasoning.ReasoningStore;
import io.hartonomous.storage.contract.vectors.VectorStore;

/** An engine's stores for one tenant, each already bound to it; what {@link StorageEngine#forTenant} returns. */
public record TenantStores(String tenantId, AtomReads atoms, IngestWrites ingest, ModelStore models,
                           VectorStore vectors, ProvenanceGraph graph, UsageLedger usage,
                           InferenceStore inference, ConceptStore concepts,
                           ReasoningStore reasoning) implements TenantStorage {
    public TenantStores {
        Tenants.requireValid(tenantId);
        if (atoms == null || ingest == null || models == null || vectors == null || graph == null || usage == null
                || inference == null || concepts == null || reasoning == null) {
            throw new IllegalArgumentException("every store of a tenant is required");
        }
    }
}
