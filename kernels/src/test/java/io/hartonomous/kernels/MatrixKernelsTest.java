package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * MatrixKernels vs ScalarMatrixKernels. The SIMD lanes accumulate with FMA in another order, so finite results agree
 * within a relative 1e-5 of the sum of absolute terms; non-finite inputs give the same class of result.
 */
class MatrixKernelsTest {
    private static final MatrixKernels.Implementation VECTOR = new VectorMatrixKernels();
    private static final MatrixKernels.Implementation SCALAR = new ScalarMatrixKernels();
    /** Row counts around the four-row pass: none, one, a remainder of 1-3, exact multiples. */
    private static final int[] ROWS = {0, 1, 2, 3, 4, 5, 7, 8, 13};

    private static void close(float simd, float scalar, double scale, String what) {
        if (Float.isNaN(scalar)) {
            assertThat(simd).as(what).isNaN();
        } else if (Float.isInfinite(scalar)) {
            assertThat(simd).as(what).isEqualTo(scalar);
        } else {
            assertThat((double) Math.abs(simd - scalar)).as("%s: simd %s scalar %s", what, simd, scalar)
                    .isLessThanOrEqualTo(1e-5 * scale + 1e-30);
        }
    }

    /** Sum of |m[r][c] * x[c]| for row r: the scale of the rounding error either order can make. */
    private static double absRow(float[] m, int r, int cols, float[] x) {
        double s = 0;
        for (int c = 0; c < cols; c++) {
            s += Math.abs((double) m[r * cols + c] * x[c]);
        }
        return s;
    }

    @Test
    void matVecAgreesWithTheTwinAtEveryShape() {
        Random rnd = new Random(11);
        for (int rows : ROWS) {
            for (int cols : TestData.LENGTHS) {
                if ((long) rows * cols > 40_000) {
                    continue;
                }
                float[] m = TestData.floats(rnd, rows * cols, false);
                float[] x = TestData.floats(rnd, cols, false);
                float[] simd = new float[rows + 2];
                float[] scalar = new float[rows + 2];
                simd[0] = scalar[0] = 7f; // outside the written range: untouched
                VECTOR.matVec(m, rows, cols, x, simd, 1);
                SCALAR.matVec(m, rows, cols, x, scalar, 1);
                assertThat(simd[0]).isEqualTo(7f);
                assertThat(simd[rows + 1]).isZero();
                for (int r = 0; r < rows; r++) {
                    close(simd[1 + r], scalar[1 + r], absRow(m, r, cols, x), rows + "x" + cols + " row " + r);
                }
            }
        }
    }

    /** A larger matrix than the vector (x may be longer than cols) and the plain overload. */
    @Test
    void matVecReadsOnlyTheFirstColsOfTheVector() {
        Random rnd = new Random(12);
        float[] m = TestData.floats(rnd, 6 * 33, false);
        float[] x = TestData.floats(rnd, 40, false);
        float[] simd = new float[6];
        float[] scalar = new float[6];
        VECTOR.matVec(m, 6, 33, x, simd, 0);
        SCALAR.matVec(m, 6, 33, x, scalar, 0);
        float[] viaFacade = new float[6];
        MatrixKernels.matVec(m, 6, 33, x, viaFacade);
        for (int r = 0; r < 6; r++) {
            close(simd[r], scalar[r], absRow(m, r, 33, x), "row " + r);
            close(viaFacade[r], scalar[r], absRow(m, r, 33, x), "facade row " + r);
        }
    }

    @Test
    void dotAndAxpyAgreeAtEveryLengthAndOffset() {
        Random rnd = new Random(13);
        for (int n : TestData.LENGTHS) {
            for (int off : TestData.OFFSETS) {
                float[] a = TestData.floats(rnd, n + off, false);
                float[] b = TestData.floats(rnd, n + 2 * off, false);
                double abs = 0;
                for (int i = 0; i < n; i++) {
                    abs += Math.abs((double) a[off + i] * b[2 * off + i]);
                }
                close(VECTOR.dot(a, off, b, 2 * off, n), SCALAR.dot(a, off, b, 2 * off, n), abs,
                        "dot n=" + n + " off=" + off);
                float alpha = (float) rnd.nextGaussian();
                float[] ySimd = b.clone();
                float[] yScalar = b.clone();
                VECTOR.axpy(alpha, a, off, ySimd, 2 * off, n);
                SCALAR.axpy(alpha, a, off, yScalar, 2 * off, n);
                for (int i = 0; i < b.length; i++) {
                    double scale = Math.abs(b[i]) + (i >= 2 * off ? Math.abs((double) alpha * a[off + i - 2 * off])
                            : 0);
                    close(ySimd[i], yScalar[i], scale, "axpy n=" + n + " off=" + off + " i=" + i);
                }
                for (int i = 0; i < 2 * off; i++) {
                    assertThat(ySimd[i]).as("before the range").isEqualTo(b[i]);
                }
            }
        }
    }

    @Test
    void edgeValuesGiveTheSameClassOfResult() {
        int cols = 37;
        float[] ones = new float[cols];
        Arrays.fill(ones, 1f);
        for (float edge : TestData.FLOAT_EDGES) {
            for (int pos : new int[] {0, 16, 36}) {
                float[] m = new float[5 * cols];
                Arrays.fill(m, 0.5f);
                m[3 * cols + pos] = edge;
                float[] simd = new float[5];
                float[] scalar = new float[5];
                VECTOR.matVec(m, 5, cols, ones, simd, 0);
                SCALAR.matVec(m, 5, cols, ones, scalar, 0);
                for (int r = 0; r < 5; r++) {
                    double scale = r == 3 && Float.isFinite(edge) ? Math.abs(edge) + cols : cols;
                    close(simd[r], scalar[r], scale, "edge " + edge + " at " + pos + " row " + r);
                }
                float[] a = ones.clone();
                a[pos] = edge;
                close(VECTOR.dot(a, 0, ones, 0, cols), SCALAR.dot(a, 0, ones, 0, cols),
                        Float.isFinite(edge) ? Math.abs(edge) + cols : cols, "dot edge " + edge);
            }
        }
    }

    /** Same inputs, same bits, however often the kernel runs (interpreted, then compiled mid-loop). */
    @Test
    void matVecIsDeterministicAcrossRunsAndCompilation() {
        Random rnd = new Random(14);
        float[] m = TestData.floats(rnd, 7 * 67, false);
        float[] x = TestData.floats(rnd, 67, false);
        float[] first = new float[7];
        VECTOR.matVec(m, 7, 67, x, first, 0);
        float[] again = new float[7];
        for (int run = 0; run < 20_000; run++) {
            VECTOR.matVec(m, 7, 67, x, again, 0);
            assertThat(again).as("run %d", run).containsExactly(first);
        }
    }

    @Test
    void shapesAreChecked() {
        for (MatrixKernels.Implementation k : new MatrixKernels.Implementation[] {VECTOR, SCALAR}) {
            assertThatThrownBy(() -> k.matVec(new float[5], 2, 3, new float[3], new float[2], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 6 values");
            assertThatThrownBy(() -> k.matVec(new float[6], 2, 3, new float[2], new float[2], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 columns");
            assertThatThrownBy(() -> k.matVec(new float[6], 2, 3, new float[3], new float[2], 1))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> k.matVec(new float[6], -1, 3, new float[3], new float[2], 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> k.dot(new float[3], 1, new float[3], 0, 3))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> k.axpy(1f, new float[3], 0, new float[3], 1, 3))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            float[] out = {9f};
            k.matVec(new float[0], 1, 0, new float[0], out, 0);
            assertThat(out[0]).as("an empty row sums to 0").isZero();
            assertThat(k.dot(new float[0], 0, new float[0], 0, 0)).isZero();
        }
    }
}
