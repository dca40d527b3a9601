package io.hartonomous.storage.contract.vectors;

/**
 * What {@link VectorStore#rebuildProjection} did: the type's new landmark generation, how many landmarks (cells),
 * how many embeddings they were derived from, and how many embeddings were re-projected.
 */
public record ProjectionRebuild(String embeddingType, long generation, int landmarks, long trainedOn,
                                long reprojected) {
}
