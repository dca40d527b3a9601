package io.hartonomous.kernels;

/**
 * Chunk statistics (see {@link ChunkStats}): the {@link VectorStatsKernels} on machines {@link KernelProvider} finds
 * fit for the Vector API, else {@link ScalarStatsKernels}, chosen once.
 */
public final class StatsKernels {
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorStatsKernels(), () -> new ScalarStatsKernels());

    /** The family's operation. */
    public interface Implementation {
        /** Count, NaN count, min, max, mean and variance of {@code v[from, from + count)}. */
        ChunkStats stats(float[] v, int from, int count);
    }

    private StatsKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static ChunkStats stats(float[] v, int from, int count) {
        return IMPL.stats(v, from, count);
    }

    static ChunkStats withInfinities(long n, float min, float max, long nan) {
        boolean pos = max == Float.POSITIVE_INFINITY;
        boolean neg = min == Float.NEGATIVE_INFINITY;
        double mean = pos && neg ? Double.NaN : pos ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        return new ChunkStats(n, min, max, mean, Double.NaN, nan);
    }
}
