package io.hartonomous.kernels;

/** Scalar twin of {@link DistanceKernels}: the plain loops the SIMD kernels must agree with. */
public final class ScalarDistanceKernels implements DistanceKernels.Implementation {
    public ScalarDistanceKernels() {
    }

    @Override
    public float dot(float[] a, float[] b, int length) {
        DistanceKernels.checkLengths(a, b, length);
        float sum = 0;
        for (int i = 0; i < length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Override
    public float squaredEuclidean(float[] a, float[] b, int length) {
        DistanceKernels.checkLengths(a, b, length);
        float sum = 0;
        for (int i = 0; i < length; i++) {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float cosineDistance(float[] a, float[] b, int length) {
        DistanceKernels.checkLengths(a, b, length);
        float d = 0;
        float x = 0;
        float y = 0;
        for (int i = 0; i < length; i++) {
            d += a[i] * b[i];
            x += a[i] * a[i];
            y += b[i] * b[i];
        }
        return cosineFromSums(d, x, y);
    }

    static float cosineFromSums(float dot, float squaredNormA, float squaredNormB) {
        if (squaredNormA == 0 || squaredNormB == 0) {
            return 1f;
        }
        double cos = dot / (Math.sqrt(squaredNormA) * Math.sqrt(squaredNormB));
        return (float) (1.0 - Math.max(-1.0, Math.min(1.0, cos)));
    }
}
