package io.hartonomous.storage.contract.vectors;

import java.util.List;

/** Embeddings and nearest-neighbour search (exact, or hybrid: spatial candidates then exact rerank). */
public interface VectorStore {
    /** Stores or replaces the embedding of this type for the atom (built-in, or this tenant's own). */
    AtomEmbedding put(NewEmbedding embedding);

    /**
     * Stores or replaces many embeddings at once, all or none (engines batch them; the last of two for the same
     * atom, type and owner wins). Returns how many were stored.
     */
    default int putAll(List<NewEmbedding> embeddings) {
        embeddings.forEach(this::put);
        return embeddings.size();
    }

    List<AtomEmbedding> embeddings(long atomId);

    SearchResult search(SearchRequest request);

    /**
     * Re-derives the landmarks of an embedding type from its stored embeddings (every tenant's) and re-projects them
     * all, which is what gives hybrid search its recall (docs/decisions.md, "Hybrid search projection"). A
     * maintenance operation: run it after a type's first bulk load and again when the type has grown a lot.
     */
    default ProjectionRebuild rebuildProjection(String embeddingType) {
        throw new UnsupportedOperationException("this engine cannot rebuild projections yet");
    }
}
