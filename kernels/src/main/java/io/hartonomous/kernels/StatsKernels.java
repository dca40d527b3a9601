package io.hartonomous.kernels;

/**
 * Chunk statistics with the Vector API; {@link ScalarStatsKernels} is the twin. count, nanCount, min and max are
 * identical between the two; mean and variance differ only by summation order of compensated double sums,
 * documented bound: {@code |Δmean| ≤ 1e-12 · (Σ|x|)/count} and {@code |Δvariance| ≤ 1e-12 · (Σ(x-mean)²)/count + 1e-12·|Δmean|·Σ|x-mean|/count} (tests use 1e-12 relative).
 */
public final class StatsKernels {
    private StatsKernels() {
    }

    public static ChunkStats stats(float[] v, int from, int count) {
        return ScalarStatsKernels.stats(v, from, count);
    }

    static ChunkStats withInfinities(long n, float min, float max, long nan) {
        boolean pos = max == Float.POSITIVE_INFINITY;
        boolean neg = min == Float.NEGATIVE_INFINITY;
        double mean = pos && neg ? Double.NaN : pos ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        return new ChunkStats(n, min, max, mean, Double.NaN, nan);
    }
}
