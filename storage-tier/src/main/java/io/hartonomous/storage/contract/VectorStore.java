package io.hartonomous.storage.contract;

import java.util.List;

/** Embeddings and nearest-neighbour search (exact, or hybrid: spatial candidates then exact rerank). */
public interface VectorStore {
    /** Stores or replaces the embedding of this type for the atom (built-in, or this tenant's own). */
    AtomEmbedding put(NewEmbedding embedding);

    List<AtomEmbedding> embeddings(long atomId);

    SearchResult search(SearchRequest request);
}
