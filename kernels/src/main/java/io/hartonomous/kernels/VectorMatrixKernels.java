package io.hartonomous.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MatrixKernels} with the Vector API at the machine's preferred width; {@link ScalarMatrixKernels} is the twin
 * they are tested against. matVec takes four rows per pass so each load of the vector serves four FMA chains (a
 * matrix-vector product is bound by reading the matrix; the vector stays in registers). Lanes are summed in lane
 * order, as {@link VectorDistanceKernels} does, so results never depend on interpretation vs compilation.
 */
final class VectorMatrixKernels implements MatrixKernels.Implementation {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    VectorMatrixKernels() {
    }

    @Override
    public void matVec(float[] m, int rows, int cols, float[] x, float[] out, int outFrom) {
        MatrixKernels.checkMatVec(m, rows, cols, x, out, outFrom);
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(cols);
        float[] lanes = new float[step];
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int b0 = r * cols;
            int b1 = b0 + cols;
            int b2 = b1 + cols;
            int b3 = b2 + cols;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = FloatVector.zero(SPECIES);
            FloatVector a2 = FloatVector.zero(SPECIES);
            FloatVector a3 = FloatVector.zero(SPECIES);
            int c = 0;
            for (; c < bound; c += step) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, c);
                a0 = FloatVector.fromArray(SPECIES, m, b0 + c).fma(v, a0);
                a1 = FloatVector.fromArray(SPECIES, m, b1 + c).fma(v, a1);
                a2 = FloatVector.fromArray(SPECIES, m, b2 + c).fma(v, a2);
                a3 = FloatVector.fromArray(SPECIES, m, b3 + c).fma(v, a3);
            }
            float s0 = sumInLaneOrder(a0, lanes);
            float s1 = sumInLaneOrder(a1, lanes);
            float s2 = sumInLaneOrder(a2, lanes);
            float s3 = sumInLaneOrder(a3, lanes);
            for (; c < cols; c++) {
                float xc = x[c];
                s0 += m[b0 + c] * xc;
                s1 += m[b1 + c] * xc;
                s2 += m[b2 + c] * xc;
                s3 += m[b3 + c] * xc;
            }
            out[outFrom + r] = s0;
            out[outFrom + r + 1] = s1;
            out[outFrom + r + 2] = s2;
            out[outFrom + r + 3] = s3;
        }
        for (; r < rows; r++) {
            out[outFrom + r] = rowDot(m, r * cols, x, cols, bound, lanes);
        }
    }

    private static float rowDot(float[] m, int base, float[] x, int cols, int bound, float[] lanes) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int c = 0;
        for (; c < bound; c += SPECIES.length()) {
            acc = FloatVector.fromArray(SPECIES, m, base + c).fma(FloatVector.fromArray(SPECIES, x, c), acc);
        }
        float sum = sumInLaneOrder(acc, lanes);
        for (; c < cols; c++) {
            sum += m[base + c] * x[c];
        }
        return sum;
    }

    @Override
    public float dot(float[] a, int aFrom, float[] b, int bFrom, int length) {
        MatrixKernels.checkRanges(a, aFrom, b, bFrom, length);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        int bound = SPECIES.loopBound(length);
        for (; i < bound; i += SPECIES.length()) {
            acc = FloatVector.fromArray(SPECIES, a, aFrom + i).fma(FloatVector.fromArray(SPECIES, b, bFrom + i), acc);
        }
        float sum = sumInLaneOrder(acc, new float[SPECIES.length()]);
        for (; i < length; i++) {
            sum += a[aFrom + i] * b[bFrom + i];
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xFrom, float[] y, int yFrom, int length) {
        MatrixKernels.checkRanges(x, xFrom, y, yFrom, length);
        FloatVector a = FloatVector.broadcast(SPECIES, alpha);
        int i = 0;
        int bound = SPECIES.loopBound(length);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, x, xFrom + i).fma(a, FloatVector.fromArray(SPECIES, y, yFrom + i))
                    .intoArray(y, yFrom + i);
        }
        for (; i < length; i++) {
            y[yFrom + i] += alpha * x[xFrom + i];
        }
    }

    /** Lane 0 + lane 1 + ... in that order: deterministic, unlike {@code reduceLanes(ADD)}. */
    private static float sumInLaneOrder(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float sum = 0f;
        for (float lane : lanes) {
            sum += lane;
        }
        return sum;
    }

    /** Lanes of the preferred species, for tests that replay the kernels' order of operations. */
    static int laneCount() {
        return SPECIES.length();
    }
}
