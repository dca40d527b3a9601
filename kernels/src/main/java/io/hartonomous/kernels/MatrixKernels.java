package io.hartonomous.kernels;

import java.util.Objects;

/**
 * Dense float32 linear algebra for running models: the {@link VectorMatrixKernels} on machines {@link KernelProvider}
 * finds fit for the Vector API, else {@link ScalarMatrixKernels}, chosen once. As with {@link DistanceKernels}, the
 * two may differ in the last bits (lanes accumulate separately and are summed in lane order at the end); each is
 * deterministic.
 */
public final class MatrixKernels {
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorMatrixKernels(), () -> new ScalarMatrixKernels());

    /** The family's operations. */
    public interface Implementation {
        /**
         * {@code out[outFrom + r] = sum_c m[r * cols + c] * x[c]} for every row {@code r < rows}: a row-major
         * {@code rows x cols} matrix times a vector.
         */
        void matVec(float[] m, int rows, int cols, float[] x, float[] out, int outFrom);

        /** {@code sum_i a[aFrom + i] * b[bFrom + i]} over {@code length} components. */
        float dot(float[] a, int aFrom, float[] b, int bFrom, int length);

        /** {@code y[yFrom + i] += alpha * x[xFrom + i]} over {@code length} components. */
        void axpy(float alpha, float[] x, int xFrom, float[] y, int yFrom, int length);
    }

    private MatrixKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static void matVec(float[] m, int rows, int cols, float[] x, float[] out, int outFrom) {
        IMPL.matVec(m, rows, cols, x, out, outFrom);
    }

    public static void matVec(float[] m, int rows, int cols, float[] x, float[] out) {
        IMPL.matVec(m, rows, cols, x, out, 0);
    }

    public static float dot(float[] a, int aFrom, float[] b, int bFrom, int length) {
        return IMPL.dot(a, aFrom, b, bFrom, length);
    }

    public static void axpy(float alpha, float[] x, int xFrom, float[] y, int yFrom, int length) {
        IMPL.axpy(alpha, x, xFrom, y, yFrom, length);
    }

    static void checkMatVec(float[] m, int rows, int cols, float[] x, float[] out, int outFrom) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix");
        }
        if ((long) rows * cols > m.length) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix needs " + (long) rows * cols
                    + " values, the array has " + m.length);
        }
        if (x.length < cols) {
            throw new IllegalArgumentException("the vector has " + x.length + " components, the matrix " + cols
                    + " columns");
        }
        Objects.checkFromIndexSize(outFrom, rows, out.length);
    }

    static void checkRanges(float[] a, int aFrom, float[] b, int bFrom, int length) {
        Objects.checkFromIndexSize(aFrom, length, a.length);
        Objects.checkFromIndexSize(bFrom, length, b.length);
    }
}
