package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Fixed lengths, unit norm, twin agreement, and that the descriptors separate what they should. */
class FeatureKernelsTest {
    private static final FeatureKernels.Implementation VECTOR = new VectorFeatureKernels();
    private static final FeatureKernels.Implementation SCALAR = new ScalarFeatureKernels();
    private static final StatsKernels.Implementation SCALAR_STATS = new ScalarStatsKernels();
    private static final DistanceKernels.Implementation SCALAR_DISTANCE = new ScalarDistanceKernels();
    private final Random rnd = new Random(9);

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static float cos(float[] a, float[] b) {
        return SCALAR_DISTANCE.cosineDistance(a, b, a.length);
    }

    private int[] picture(int w, int h, int baseR, int baseG, int baseB, boolean stripes) {
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int shade = stripes && (x / 4) % 2 == 0 ? 60 : 0;
                int r = Math.min(255, baseR + shade + rnd.nextInt(8));
                int g = Math.min(255, baseG + shade + rnd.nextInt(8));
                int b = Math.min(255, baseB + shade + rnd.nextInt(8));
                px[y * w + x] = r | g << 8 | b << 16 | 0xFF << 24;
            }
        }
        return px;
    }

    @Test
    void image() {
        int[] red1 = picture(64, 48, 200, 20, 20, false);
        int[] red2 = picture(64, 48, 210, 30, 25, false);
        int[] blue = picture(64, 48, 20, 20, 200, false);
        int[] redStripes = picture(64, 48, 180, 20, 20, true);
        float[] a = VECTOR.image(red1, 64, 48);
        assertThat(a).hasSize(FeatureKernels.IMAGE_DIMENSION).isEqualTo(SCALAR.image(red1, 64, 48));
        assertThat(norm(a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        float[] b = VECTOR.image(red2, 64, 48);
        float[] c = VECTOR.image(blue, 64, 48);
        float[] d = VECTOR.image(redStripes, 64, 48);
        assertThat(cos(a, b)).isLessThan(cos(a, c));
        assertThat(cos(a, b)).isLessThan(cos(a, d));
        // 16-bit version of the same picture (v * 257) describes the same image
        long[] px16 = new long[red1.length];
        for (int i = 0; i < red1.length; i++) {
            int p = red1[i];
            for (int ch = 0; ch < 4; ch++) {
                px16[i] |= (long) (((p >>> (8 * ch)) & 0xFF) * 257) << (16 * ch);
            }
        }
        float[] a16 = VECTOR.image16(px16, 64, 48);
        assertThat(a16).hasSize(FeatureKernels.IMAGE_DIMENSION).isEqualTo(SCALAR.image16(px16, 64, 48));
        assertThat(cos(a, a16)).isLessThan(1e-4f);
        // degenerate sizes
        assertThat(VECTOR.image(new int[0], 0, 0)).hasSize(FeatureKernels.IMAGE_DIMENSION);
        assertThat(norm(VECTOR.image(new int[] {0xFF0000FF}, 1, 1))).isCloseTo(1.0,
                org.assertj.core.data.Offset.offset(1e-5));
        assertThatThrownBy(() -> VECTOR.image(new int[3], 2, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void imageTwinsAgreeOnOddSizesAndFlatOrNoisyPixels() {
        for (int w : new int[] {1, 2, 3, 4, 17, 33, 100}) {
            for (int h : new int[] {1, 2, 5}) {
                for (int kind = 0; kind < 3; kind++) {
                    int[] px = new int[w * h];
                    long[] px16 = new long[w * h];
                    for (int i = 0; i < px.length; i++) {
                        px[i] = switch (kind) {
                            case 0 -> rnd.nextInt();
                            case 1 -> 0xFF000000 | (i % 7 == 0 ? 0xFFFFFF : 0); // edges in every direction
                            default -> 0x80404040; // flat: zero gradients
                        };
                        px16[i] = rnd.nextLong();
                    }
                    assertThat(VECTOR.image(px, w, h)).as("%dx%d kind %d", w, h, kind)
                            .isEqualTo(SCALAR.image(px, w, h));
                    assertThat(VECTOR.image16(px16, w, h)).isEqualTo(SCALAR.image16(px16, w, h));
                }
            }
        }
    }

    @Test
    void orientationBins() {
        assertThat(ScalarFeatureKernels.orientationBin(1, 0)).isZero();
        assertThat(ScalarFeatureKernels.orientationBin(-1, 0)).isZero(); // folded: same orientation
        assertThat(ScalarFeatureKernels.orientationBin(0, 1)).isEqualTo(8);
        assertThat(ScalarFeatureKernels.orientationBin(0, -1)).isEqualTo(8);
        assertThat(ScalarFeatureKernels.orientationBin(-1, 0.001f)).isEqualTo(15);
        for (int k = 0; k < 16; k++) {
            double mid = (k + 0.5) * Math.PI / 16;
            assertThat(ScalarFeatureKernels.orientationBin((float) Math.cos(mid), (float) Math.sin(mid))).isEqualTo(k);
        }
    }

    private static float[] tone(double hz, int rate, int n, double noise, Random rnd) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate) + noise * rnd.nextGaussian());
        }
        return s;
    }

    @Test
    void audio() {
        int rate = 48_000;
        float[] a440 = tone(440, rate, 20_000, 0.01, rnd);
        float[] b440 = tone(445, rate, 30_000, 0.02, rnd);
        float[] c5k = tone(5000, rate, 20_000, 0.01, rnd);
        float[] noise = tone(0, rate, 20_000, 0.3, rnd);
        float[] a = VECTOR.audio(a440, rate);
        assertThat(a).hasSize(FeatureKernels.AUDIO_DIMENSION).isEqualTo(SCALAR.audio(a440, rate));
        assertThat(norm(a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        float[] b = VECTOR.audio(b440, rate);
        assertThat(cos(a, b)).isLessThan(cos(a, VECTOR.audio(c5k, rate)));
        assertThat(cos(a, b)).isLessThan(cos(a, VECTOR.audio(noise, rate)));
        for (float x : a) {
            assertThat(x).isFinite();
        }
        assertThat(VECTOR.audio(new float[0], 8000)).hasSize(FeatureKernels.AUDIO_DIMENSION);
        assertThat(VECTOR.audio(new float[100], 8000)).hasSize(FeatureKernels.AUDIO_DIMENSION);
        assertThat(norm(VECTOR.audio(tone(100, 8000, 5000, 0, rnd), 8000))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void tensor() {
        float[] normal = new float[4096];
        float[] normal2 = new float[4096];
        float[] uniform = new float[4096];
        for (int i = 0; i < normal.length; i++) {
            normal[i] = (float) rnd.nextGaussian() * 0.02f;
            normal2[i] = (float) rnd.nextGaussian() * 0.021f;
            uniform[i] = (rnd.nextFloat() - 0.5f) * 0.5f;
        }
        float[] a = VECTOR.tensor(StatsKernels.stats(normal, 0, normal.length), normal);
        assertThat(a).hasSize(FeatureKernels.TENSOR_DIMENSION);
        assertThat(a).isEqualTo(SCALAR.tensor(SCALAR_STATS.stats(normal, 0, normal.length), normal));
        assertThat(norm(a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        float[] b = VECTOR.tensor(StatsKernels.stats(normal2, 0, normal2.length), normal2);
        float[] c = VECTOR.tensor(StatsKernels.stats(uniform, 0, uniform.length), uniform);
        assertThat(cos(a, b)).isLessThan(cos(a, c));
        float[] weird = {Float.NaN, Float.POSITIVE_INFINITY, 0, 0, -1};
        float[] w = VECTOR.tensor(StatsKernels.stats(weird, 0, weird.length), weird);
        for (float x : w) {
            assertThat(x).isFinite();
        }
        assertThat(VECTOR.tensor(ChunkStats.EMPTY, new float[0])).hasSize(FeatureKernels.TENSOR_DIMENSION);
    }
}
