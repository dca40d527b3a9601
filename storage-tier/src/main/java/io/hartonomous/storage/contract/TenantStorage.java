package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.reasoning.ConceptStore;
import io.hartonomous.storage.contract.ingest.IngestWrites;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.contract.operations.UsageLedger;
import io.hartonomous.storage.contract.reasoning.ReasoningStore;
import io.hartonomous.storage.contract.vectors.VectorStore;

/** Everything a tenant may do; every call runs under this tenant's predicate (RLS on SQL Server). */
public interface TenantStorage {
    String tenantId();

    AtomReads atoms();

    IngestWrites ingest();

    ModelStore models();

    VectorStore vectors();

    ProvenanceGraph graph();

    UsageLedger usage();

    /** Model runs: inference records and receipts. */
    InferenceStore inference();

    /** Concepts discovered in the tenant's embeddings, by generation, with their domains. */
    ConceptStore concepts();

    /** A* paths and attention generation over the tenant's embeddings. */
    ReasoningStore reasoning();
}
