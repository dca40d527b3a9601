package io.hartonomous.storage.contract.reasoning;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Concepts discovered in the tenant's embeddings (issue 13), by generation. {@link #discover} runs DBSCAN with the
 * vector store's search for the eps-neighbourhoods, partitions the projection plane into the concepts' Voronoi
 * domains, and records a new generation with its evolution from the previous one and an inference record
 * ({@code concepts.discover}, its evidence the members with their similarity and the noise), all at once.
 * {@code asOf} null means now throughout.
 */
public interface ConceptStore {
    Discovery discover(DiscoverRequest request);

    /** The generation of the type current at {@code asOf}: the last made at or before it. */
    Optional<ConceptGeneration> generation(String embeddingType, Instant asOf);

    /** A generation's concepts by ordinal. */
    List<Concept> concepts(long generationId);

    /** How a generation came from the previous one (empty for the first). */
    List<Evolution> evolution(long generationId);

    Optional<ConceptDetail> concept(long conceptId);

    /** The concept whose domain holds the point, in the generation current at {@code asOf}. */
    Optional<Concept> at(String embeddingType, double x, double y, Instant asOf);

    /** The concepts the atom is bound to, one per embedding type, in the generations current at {@code asOf}. */
    List<AtomConcept> conceptsOf(long atomId, Instant asOf);
}
