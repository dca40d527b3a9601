package io.hartonomous.storage.contract.reasoning;

import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;

/**
 * A DBSCAN run over the tenant's embeddings of one type: a point is a core point when at least {@code minPts} points
 * (itself included) lie within {@code eps} of it by {@code metric}; the eps-neighbourhoods come from the vector
 * store's search in {@code mode} (hybrid: spatial candidates then exact rerank; exact: a scan per point).
 */
public record DiscoverRequest(String embeddingType, double eps, int minPts, Metric metric, SearchMode mode) {
    /** A neighbourhood is read through k-nearest search, so it holds at most this many points. */
    public static final int MAX_MIN_PTS = SearchRequest.MAX_K;

    public DiscoverRequest {
        if (embeddingType == null || embeddingType.isBlank() || embeddingType.length() > 64) {
            throw new IllegalArgumentException("embeddingType is required (1-64 characters)");
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be a finite number > 0, got " + eps);
        }
        if (minPts < 1 || minPts > MAX_MIN_PTS) {
            throw new IllegalArgumentException("minPts must be between 1 and " + MAX_MIN_PTS + ", got " + minPts);
        }
        if (metric != Metric.COSINE && metric != Metric.EUCLIDEAN) {
            throw new IllegalArgumentException("concepts are discovered by cosine or euclidean distance, got "
                    + metric);
        }
        if (mode == null) {
            throw new IllegalArgumentException("a search mode is required");
        }
    }
}
