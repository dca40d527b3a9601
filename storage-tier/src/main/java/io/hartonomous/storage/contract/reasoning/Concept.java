package io.hartonomous.storage.contract.reasoning;

/**
 * One concept of a generation: a DBSCAN cluster of embeddings. {@code centroid} is the mean of its members' vectors,
 * {@code coherence} the mean similarity of its members to it (cosine: 1 - distance; euclidean: 1 / (1 + distance)),
 * ({@code x}, {@code y}) the mean of its members' projected points, and {@code domainWkt} its Voronoi cell among the
 * generation's concepts, clipped to the bounding box of the points clustered (WKT).
 */
public record Concept(long conceptId, long generationId, int generation, String embeddingType, int ordinal,
                      int members, double coherence, float[] centroid, double x, double y, String domainWkt) {
}
