package io.hartonomous.storage.engine.embedded;

import io.hartonomous.kernels.DistanceKernels;
import io.hartonomous.storage.contract.vectors.Metric;

import java.util.Arrays;

/**
 * Exact distances with the SIMD kernels. Vectors of different length compare as if zero-padded to 1998, as they are
 * stored on SQL Server. Dot is negated so that smaller is closer for every metric, as VECTOR_DISTANCE reports it.
 */
final class Distances {
    private Distances() {
    }

    static double distance(Metric metric, float[] query, float[] stored) {
        float[] a = query;
        float[] b = stored;
        if (a.length != b.length) {
            int n = Math.max(a.length, b.length);
            a = Arrays.copyOf(a, n);
            b = Arrays.copyOf(b, n);
        }
        return switch (metric) {
            case COSINE -> DistanceKernels.cosineDistance(a, b, a.length);
            case EUCLIDEAN -> DistanceKernels.euclidean(a, b, a.length);
            case DOT -> -DistanceKernels.dot(a, b, a.length);
        };
    }
}
