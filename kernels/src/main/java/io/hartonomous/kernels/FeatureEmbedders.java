package io.hartonomous.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Built-in per-modality feature embeddings (fixed length, L2-normalised); {@link ScalarFeatureEmbedders} defines the
 * descriptors and is the scalar twin. The image descriptors use vectors for the per-pixel gradient, magnitude and
 * orientation binning (the bulk of their work) and give results identical to the twin; the audio and tensor
 * descriptors are the twin's code (FFT and moments, not vectorized yet).
 */
public final class FeatureEmbedders {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    public static final int IMAGE_DIMENSION = 88;
    public static final int AUDIO_DIMENSION = 42;
    public static final int TENSOR_DIMENSION = 42;

    private FeatureEmbedders() {
    }

    public static float[] image(int[] rgba8, int width, int height) {
        return ScalarFeatureEmbedders.image(rgba8, width, height, true);
    }

    public static float[] image16(long[] rgba16, int width, int height) {
        return ScalarFeatureEmbedders.image16(rgba16, width, height, true);
    }

    /**
     * The vector version of {@link ScalarFeatureEmbedders#gradientRow}: gradient, magnitude, half-plane fold and the
     * 15 boundary tests for L pixels at a time, with the same float operations per pixel (so identical bins and
     * magnitudes); the two edge pixels of the row are done by the twin.
     */
    static void gradientRow(float[] lum, int width, int height, int y, float[] mag, int[] bin) {
        if (width < 3 || F.length() != I.length()) {
            ScalarFeatureEmbedders.gradientRow(lum, width, height, y, mag, bin);
            return;
        }
        int up = Math.max(0, y - 1) * width;
        int down = Math.min(height - 1, y + 1) * width;
        int row = y * width;
        ScalarFeatureEmbedders.gradientPixel(lum[row + 1] - lum[row], lum[down] - lum[up], 0, mag, bin);
        int x = 1;
        IntVector one = IntVector.broadcast(I, 1);
        for (; x + F.length() <= width - 1; x += F.length()) {
            FloatVector gx = FloatVector.fromArray(F, lum, row + x + 1).sub(FloatVector.fromArray(F, lum, row + x - 1));
            FloatVector gy = FloatVector.fromArray(F, lum, down + x).sub(FloatVector.fromArray(F, lum, up + x));
            gx.mul(gx).add(gy.mul(gy)).lanewise(VectorOperators.SQRT).intoArray(mag, x);
            VectorMask<Float> flip = gy.lt(0f).or(gy.eq(0f).and(gx.lt(0f)));
            gx = gx.blend(gx.neg(), flip);
            gy = gy.blend(gy.neg(), flip);
            IntVector b = IntVector.zero(I);
            for (int j = 0; j < 15; j++) {
                VectorMask<Float> ge = gy.mul(ScalarFeatureEmbedders.BIN_COS[j])
                        .sub(gx.mul(ScalarFeatureEmbedders.BIN_SIN[j])).compare(VectorOperators.GE, 0f);
                b = b.add(one, ge.cast(I));
            }
            b.intoArray(bin, x);
        }
        for (; x < width; x++) {
            ScalarFeatureEmbedders.gradientPixel(lum[row + Math.min(width - 1, x + 1)] - lum[row + x - 1],
                    lum[down + x] - lum[up + x], x, mag, bin);
        }
    }

    public static float[] audio(float[] mono, int sampleRate) {
        return ScalarFeatureEmbedders.audio(mono, sampleRate);
    }

    public static float[] tensor(ChunkStats stats, float[] sample) {
        return ScalarFeatureEmbedders.tensor(stats, sample);
    }

    static float[] hann(int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
        }
        return w;
    }

    /** In-place iterative radix-2 complex FFT; length must be a power of two. */
    static void fft(float[] re, float[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                float t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            int half = len >> 1;
            for (int k = 0; k < half; k++) {
                float wr = (float) Math.cos(ang * k);
                float wi = (float) Math.sin(ang * k);
                for (int i = k; i < n; i += len) {
                    int j = i + half;
                    float xr = re[j] * wr - im[j] * wi;
                    float xi = re[j] * wi + im[j] * wr;
                    re[j] = re[i] - xr;
                    im[j] = im[i] - xi;
                    re[i] += xr;
                    im[i] += xi;
                }
            }
        }
    }

    static void powerSpectrum(float[] re, float[] im, float[] power) {
        for (int k = 0; k < power.length; k++) {
            power[k] = re[k] * re[k] + im[k] * im[k];
        }
    }
}
