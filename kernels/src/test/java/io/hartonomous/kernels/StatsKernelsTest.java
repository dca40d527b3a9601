package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * StatsKernels vs ScalarStatsKernels: count, nanCount, min, max identical (bitwise, so -0/+0 too); mean and variance
 * within the documented relative 1e-12 (they differ only in the order of compensated double sums).
 */
class StatsKernelsTest {
    private static final StatsKernels.Implementation VECTOR = new VectorStatsKernels();
    private static final StatsKernels.Implementation SCALAR = new ScalarStatsKernels();
    private final Random rnd = new Random(5);

    private static void agree(float[] v, int from, int count) {
        ChunkStats a = VECTOR.stats(v, from, count);
        ChunkStats b = SCALAR.stats(v, from, count);
        String what = "count=" + count + " from=" + from;
        assertThat(a.count()).as(what).isEqualTo(b.count());
        assertThat(a.nanCount()).as(what).isEqualTo(b.nanCount());
        assertThat(Float.floatToRawIntBits(a.min())).as(what + " min " + a.min() + " vs " + b.min())
                .isEqualTo(Float.floatToRawIntBits(b.min()));
        assertThat(Float.floatToRawIntBits(a.max())).as(what + " max").isEqualTo(Float.floatToRawIntBits(b.max()));
        double absMean = 0;
        for (int i = from; i < from + count; i++) {
            if (Float.isFinite(v[i])) {
                absMean += Math.abs(v[i]);
            }
        }
        absMean /= Math.max(1, b.count());
        closeOrSameNonFinite(a.mean(), b.mean(), 1e-12 * absMean, what + " mean");
        closeOrSameNonFinite(a.variance(), b.variance(), 1e-12 * Math.abs(b.variance()) + 1e-12 * absMean * absMean,
                what + " variance");
    }

    private static void closeOrSameNonFinite(double a, double b, double tol, String what) {
        if (!Double.isFinite(b)) {
            assertThat(Double.compare(a, b)).as("%s %s vs %s", what, a, b).isZero();
        } else {
            assertThat(Math.abs(a - b)).as("%s %s vs %s", what, a, b).isLessThanOrEqualTo(tol);
        }
    }

    @Test
    void randomAndEdgeValues() {
        for (int n : TestData.LENGTHS) {
            for (int off : TestData.OFFSETS) {
                agree(TestData.floats(rnd, off + n, false), off, n);
                agree(TestData.floats(rnd, off + n, true), off, n);
                float[] finiteEdges = TestData.floats(rnd, off + n, false);
                for (int i = 0; i < finiteEdges.length; i += 3) {
                    float[] e = {Float.NaN, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e30f};
                    finiteEdges[i] = e[rnd.nextInt(e.length)];
                }
                agree(finiteEdges, off, n);
            }
        }
    }

    @Test
    void semantics() {
        ChunkStats s = VECTOR.stats(new float[] {1, Float.NaN, 3, -0f, 0f, Float.NaN}, 0, 6);
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.nanCount()).isEqualTo(2);
        assertThat(s.min()).isEqualTo(-0f);
        assertThat(s.max()).isEqualTo(3f);
        assertThat(s.mean()).isEqualTo(1.0);
        assertThat(s.variance()).isEqualTo(1.5);
        float[] allNan = new float[40];
        java.util.Arrays.fill(allNan, Float.NaN);
        ChunkStats n = VECTOR.stats(allNan, 0, 40);
        assertThat(n.count()).isZero();
        assertThat(n.nanCount()).isEqualTo(40);
        assertThat(n.min()).isNaN();
        assertThat(n.mean()).isNaN();
        assertThat(SCALAR.stats(allNan, 0, 40)).isEqualTo(n);
        float[] inf = new float[33];
        inf[20] = Float.POSITIVE_INFINITY;
        assertThat(VECTOR.stats(inf, 0, 33).mean()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(VECTOR.stats(inf, 0, 33).variance()).isNaN();
        inf[3] = Float.NEGATIVE_INFINITY;
        assertThat(VECTOR.stats(inf, 0, 33).mean()).isNaN();
        assertThat(SCALAR.stats(inf, 0, 33).mean()).isNaN();
        assertThat(VECTOR.stats(new float[0], 0, 0)).isEqualTo(SCALAR.stats(new float[0], 0, 0));
    }

    @Test
    void compensatedSummationIsAccurate() {
        // large offset + small spread: naive float sums lose everything here
        int n = 1_000_003;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 10_000f + (i % 2 == 0 ? 0.25f : -0.25f);
        }
        ChunkStats a = VECTOR.stats(v, 0, n);
        ChunkStats b = SCALAR.stats(v, 0, n);
        double exactMean = 10_000 + 0.25 / n;
        assertThat(a.mean()).isCloseTo(exactMean, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.mean()).isCloseTo(exactMean, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.variance()).isCloseTo(0.0625, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.variance()).isCloseTo(0.0625, org.assertj.core.data.Offset.offset(1e-9));
    }
}
