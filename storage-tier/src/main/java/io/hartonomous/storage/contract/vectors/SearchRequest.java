package io.hartonomous.storage.contract.vectors;

import io.hartonomous.storage.contract.atoms.Modality;

import java.time.Instant;

/**
 * A nearest-neighbour query. Filters are optional (null = any). {@code candidates} bounds how many spatial
 * candidates hybrid mode reranks (0 = the engine's default).
 */
public record SearchRequest(float[] vector, int k, Metric metric, SearchMode mode, String embeddingType,
                            Modality modality, String subtype, Instant createdFrom, Instant createdTo,
                            int candidates) {
    public static final int MAX_K = 1000;

    public SearchRequest {
        if (vector == null || vector.length == 0 || vector.length > EmbeddingVector.MAX_DIMENSION) {
            throw new IllegalArgumentException("vector needs 1 to 1998 numbers");
        }
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", got " + k);
        }
        if (metric == null || mode == null) {
            throw new IllegalArgumentException("metric and mode are required");
        }
        if (candidates < 0) {
            throw new IllegalArgumentException("candidates cannot be negative");
        }
        if (createdFrom != null && createdTo != null && createdFrom.isAfter(createdTo)) {
            throw new IllegalArgumentException("the time range ends before it starts");
        }
    }

    public static SearchRequest of(float[] vector, int k, Metric metric, SearchMode mode) {
        return new SearchRequest(vector, k, metric, mode, null, null, null, null, null, 0);
    }
}
