package io.hartonomous.kernels;

/** Scalar twin of {@link MatrixKernels}: the plain loops the SIMD kernels must agree with. */
public final class ScalarMatrixKernels implements MatrixKernels.Implementation {
    public ScalarMatrixKernels() {
    }

    @Override
    public void matVec(float[] m, int rows, int cols, float[] x, float[] out, int outFrom) {
        MatrixKernels.checkMatVec(m, rows, cols, x, out, outFrom);
        for (int r = 0; r < rows; r++) {
            float sum = 0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                sum += m[base + c] * x[c];
            }
            out[outFrom + r] = sum;
        }
    }

    @Override
    public float dot(float[] a, int aFrom, float[] b, int bFrom, int length) {
        MatrixKernels.checkRanges(a, aFrom, b, bFrom, length);
        float sum = 0;
        for (int i = 0; i < length; i++) {
            sum += a[aFrom + i] * b[bFrom + i];
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xFrom, float[] y, int yFrom, int length) {
        MatrixKernels.checkRanges(x, xFrom, y, yFrom, length);
        for (int i = 0; i < length; i++) {
            y[yFrom + i] += alpha * x[xFrom + i];
        }
    }
}
