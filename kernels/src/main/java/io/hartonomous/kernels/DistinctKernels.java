package io.hartonomous.kernels;

/** Distinct-value extraction; {@link ScalarDistinctKernels} is the twin (identical output). */
public final class DistinctKernels {
    private DistinctKernels() {
    }

    public static DistinctInts distinct(int[] keys, int from, int count) {
        return ScalarDistinctKernels.distinct(keys, from, count);
    }

    public static DistinctLongs distinct(long[] keys, int from, int count) {
        return ScalarDistinctKernels.distinct(keys, from, count);
    }
}
