package io.hartonomous.kernels;

/**
 * Vector distances: the {@link VectorDistanceKernels} on machines {@link KernelProvider} finds fit for the Vector
 * API, else {@link ScalarDistanceKernels}, chosen once. The two may differ in the last bits (float lanes are summed
 * at the end); each is deterministic, which hybrid and exact search rely on to rank.
 */
public final class DistanceKernels {
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorDistanceKernels(), () -> new ScalarDistanceKernels());

    /** The family's operations over the first {@code length} components. */
    public interface Implementation {
        float dot(float[] a, float[] b, int length);

        float squaredEuclidean(float[] a, float[] b, int length);

        default float euclidean(float[] a, float[] b, int length) {
            return (float) Math.sqrt(squaredEuclidean(a, b, length));
        }

        /** 1 - cos(a, b); 1 when either vector is all zeros (no direction, so no similarity). */
        float cosineDistance(float[] a, float[] b, int length);
    }

    private DistanceKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static float dot(float[] a, float[] b, int length) {
        return IMPL.dot(a, b, length);
    }

    public static float squaredEuclidean(float[] a, float[] b, int length) {
        return IMPL.squaredEuclidean(a, b, length);
    }

    public static float euclidean(float[] a, float[] b, int length) {
        return IMPL.euclidean(a, b, length);
    }

    public static float cosineDistance(float[] a, float[] b, int length) {
        return IMPL.cosineDistance(a, b, length);
    }

    static void checkLengths(float[] a, float[] b, int length) {
        if (length < 0 || a.length < length || b.length < length) {
            throw new IllegalArgumentException("vectors shorter than " + length + " (" + a.length + ", " + b.length + ")");
        }
    }
}
