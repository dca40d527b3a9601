package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * DistanceKernels vs ScalarDistanceKernels. SIMD lanes accumulate with FMA in a different order, so finite results
 * agree within a relative 1e-5 of the sum of absolute terms; non-finite inputs give the same class of result.
 */
class DistanceKernelsTest {
    private static final DistanceKernels.Implementation VECTOR = new VectorDistanceKernels();
    private static final DistanceKernels.Implementation SCALAR = new ScalarDistanceKernels();

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

    @Test
    void randomVectorsAgreeAtEveryLength() {
        Random rnd = new Random(1);
        for (int n : TestData.LENGTHS) {
            for (int rep = 0; rep < 3; rep++) {
                float[] a = TestData.floats(rnd, n, false);
                float[] b = TestData.floats(rnd, n, false);
                double absDot = 0;
                double absSq = 0;
                for (int i = 0; i < n; i++) {
                    absDot += Math.abs((double) a[i] * b[i]);
                    absSq += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
                }
                close(VECTOR.dot(a, b, n), SCALAR.dot(a, b, n), absDot, "dot n=" + n);
                close(VECTOR.squaredEuclidean(a, b, n), SCALAR.squaredEuclidean(a, b, n), absSq,
                        "sq n=" + n);
                close(VECTOR.euclidean(a, b, n), (float) Math.sqrt(SCALAR.squaredEuclidean(a, b, n)),
                        Math.sqrt(absSq), "euclid n=" + n);
                close(VECTOR.cosineDistance(a, b, n), SCALAR.cosineDistance(a, b, n), 1,
                        "cos n=" + n);
            }
        }
    }

    /**
     * The kernels' results are fully determined by their inputs: equal, bit for bit, to a replay of their order of
     * operations (per-lane FMA chains, lanes summed in order, then the tail) however often they run, interpreted or
     * compiled. reduceLanes(ADD) would not be: its order differs between the interpreter and C2.
     */
    @Test
    void resultsAreDeterministicAcrossRunsAndCompilation() {
        Random rnd = new Random(5);
        int lanes = VectorDistanceKernels.laneCount();
        for (int n : new int[] {64, 1998, 256, 1000, 17, 3}) {
            float[] a = TestData.floats(rnd, n, false);
            float[] b = TestData.floats(rnd, n, false);
            float[] dotLanes = new float[lanes];
            float[] sqLanes = new float[lanes];
            int bound = n - n % lanes;
            for (int i = 0; i < bound; i++) {
                dotLanes[i % lanes] = Math.fma(a[i], b[i], dotLanes[i % lanes]);
                float d = a[i] - b[i];
                sqLanes[i % lanes] = Math.fma(d, d, sqLanes[i % lanes]);
            }
            float dot = 0f;
            float sq = 0f;
            for (int l = 0; l < lanes; l++) {
                dot += dotLanes[l];
                sq += sqLanes[l];
            }
            for (int i = bound; i < n; i++) {
                dot += a[i] * b[i];
                float d = a[i] - b[i];
                sq += d * d;
            }
            for (int run = 0; run < 20_000; run++) { // long enough for C2 to compile the kernels mid-loop
                assertThat(VECTOR.dot(a, b, n)).as("dot n=%d run %d", n, run).isEqualTo(dot);
                assertThat(VECTOR.squaredEuclidean(a, b, n)).as("sq n=%d run %d", n, run).isEqualTo(sq);
            }
        }
    }

    @Test
    void edgeValues() {
        int n = 37;
        float[] zeros = new float[n];
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        assertThat(VECTOR.cosineDistance(zeros, ones, n)).isEqualTo(1f);
        assertThat(SCALAR.cosineDistance(zeros, ones, n)).isEqualTo(1f);
        assertThat(VECTOR.cosineDistance(ones, ones, n)).isEqualTo(0f);
        float[] neg = new float[n];
        java.util.Arrays.fill(neg, -2f);
        assertThat(VECTOR.cosineDistance(ones, neg, n)).isEqualTo(2f);
        for (float edge : TestData.FLOAT_EDGES) {
            for (int pos : new int[] {0, 16, 36}) {
                float[] a = ones.clone();
                a[pos] = edge;
                close(VECTOR.dot(a, ones, n), SCALAR.dot(a, ones, n), Math.abs(edge) + n,
                        "dot edge " + edge);
                close(VECTOR.squaredEuclidean(a, zeros, n), SCALAR.squaredEuclidean(a, zeros, n),
                        (double) edge * edge + n, "sq edge " + edge);
                // subnormals and signed zeros are ordinary finite values
                float[] tiny = new float[n];
                tiny[pos] = Float.MIN_VALUE;
                assertThat(VECTOR.dot(tiny, ones, n)).isEqualTo(SCALAR.dot(tiny, ones, n));
            }
        }
    }

    @Test
    void lengthIsChecked() {
        assertThatThrownBy(() -> VECTOR.dot(new float[3], new float[2], 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SCALAR.dot(new float[3], new float[3], -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(VECTOR.dot(new float[5], new float[5], 0)).isZero();
    }
}
