package io.hartonomous.kernels;

/**
 * Distinct values in first-seen order with each key's ordinal: the {@link VectorDistinctKernels} on machines
 * {@link KernelProvider} finds fit for the Vector API, else {@link ScalarDistinctKernels}, chosen once. Both share
 * the twin's hash table, so the output is identical.
 */
public final class DistinctKernels {
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorDistinctKernels(), () -> new ScalarDistinctKernels());

    /** The family's operations on {@code keys[from, from + count)}. */
    public interface Implementation {
        DistinctInts distinct(int[] keys, int from, int count);

        DistinctLongs distinct(long[] keys, int from, int count);
    }

    private DistinctKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static DistinctInts distinct(int[] keys, int from, int count) {
        return IMPL.distinct(keys, from, count);
    }

    public static DistinctLongs distinct(long[] keys, int from, int count) {
        return IMPL.distinct(keys, from, count);
    }
}
