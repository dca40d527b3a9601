package io.hartonomous.kernels;

import java.util.Objects;

/** Scalar twin of {@link StatsKernels}; see {@link ChunkStats} for the semantics. */
public final class ScalarStatsKernels implements StatsKernels.Implementation {
    public ScalarStatsKernels() {
    }

    @Override
    public ChunkStats stats(float[] v, int from, int count) {
        Objects.checkFromIndexSize(from, count, v.length);
        long n = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double sum = 0;
        double c = 0;
        for (int i = from; i < from + count; i++) {
            float x = v[i];
            if (x != x) {
                continue;
            }
            n++;
            min = Math.min(min, x);
            max = Math.max(max, x);
            double y = x - c;
            double t = sum + y;
            c = (t - sum) - y;
            sum = t;
        }
        long nan = count - n;
        if (n == 0) {
            return new ChunkStats(0, Float.NaN, Float.NaN, Double.NaN, Double.NaN, nan);
        }
        if (Float.isInfinite(min) || Float.isInfinite(max)) {
            return StatsKernels.withInfinities(n, min, max, nan);
        }
        double mean = sum / n;
        double sq = 0;
        c = 0;
        for (int i = from; i < from + count; i++) {
            float x = v[i];
            if (x != x) {
                continue;
            }
            double d = x - mean;
            double y = d * d - c;
            double t = sq + y;
            c = (t - sq) - y;
            sq = t;
        }
        return new ChunkStats(n, min, max, mean, sq / n, nan);
    }
}
