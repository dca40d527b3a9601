package io.hartonomous.storage.contract.reasoning;

import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchRequest;

/**
 * A shortest path between two atoms over the k-nearest-neighbour graph of their embeddings of one type: an edge goes
 * from each atom to its {@code k} nearest others (exact distances, ties by atom id), its cost is that distance.
 * {@code maxExpanded} bounds the work: the search stops unfinished after expanding that many nodes. {@code heuristic}
 * null takes the admissible one for the metric ({@link PathHeuristic#admissibleFor}); {@link PathHeuristic#NONE}
 * asks for Dijkstra's algorithm whatever the metric (to compare); {@link PathHeuristic#EXACT} only for euclidean.
 */
public record PathRequest(long fromAtom, long toAtom, String embeddingType, int k, Metric metric, int maxExpanded,
                          PathHeuristic heuristic) {
    public static final int DEFAULT_MAX_EXPANDED = 10_000;
    public static final int MAX_EXPANDED = 1_000_000;

    public PathRequest {
        if (embeddingType == null || embeddingType.isBlank() || embeddingType.length() > 64) {
            throw new IllegalArgumentException("embeddingType is required (1-64 characters)");
        }
        if (k < 1 || k > SearchRequest.MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + SearchRequest.MAX_K + ", got " + k);
        }
        if (metric == null) {
            throw new IllegalArgumentException("metric is required");
        }
        if (metric == Metric.DOT) {
            // A negated dot product can be negative: a shortest path over negative edge costs is not defined.
            throw new IllegalArgumentException("metric dot gives negative edge costs; a path needs euclidean or cosine");
        }
        if (maxExpanded < 1 || maxExpanded > MAX_EXPANDED) {
            throw new IllegalArgumentException("maxExpanded must be between 1 and " + MAX_EXPANDED + ", got "
                    + maxExpanded);
        }
        if (heuristic == null) {
            heuristic = PathHeuristic.admissibleFor(metric);
        } else if (heuristic == PathHeuristic.EXACT && metric != Metric.EUCLIDEAN) {
            throw new IllegalArgumentException("heuristic exact is not admissible for " + metric.name()
                    .toLowerCase(java.util.Locale.ROOT) + " (no triangle inequality); use none");
        }
    }

    /** With the metric's admissible heuristic and the default expansion bound. */
    public static PathRequest of(long fromAtom, long toAtom, String embeddingType, int k, Metric metric) {
        return new PathRequest(fromAtom, toAtom, embeddingType, k, metric, DEFAULT_MAX_EXPANDED, null);
    }
}
