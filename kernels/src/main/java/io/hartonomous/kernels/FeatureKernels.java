package io.hartonomous.kernels;

/**
 * Built-in per-modality feature embeddings (fixed length, L2-normalised; {@link ScalarFeatureKernels} defines the
 * descriptors): the {@link VectorFeatureKernels} on machines {@link KernelProvider} finds fit for the Vector API,
 * else the scalar twin, chosen once. Both give identical results.
 */
public final class FeatureKernels {
    public static final int IMAGE_DIMENSION = 88;
    public static final int AUDIO_DIMENSION = 42;
    public static final int TENSOR_DIMENSION = 42;
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorFeatureKernels(), () -> new ScalarFeatureKernels());

    /** The family's descriptors. */
    public interface Implementation {
        /** {@value FeatureKernels#IMAGE_DIMENSION} floats from RGBA8 keys, row-major. */
        float[] image(int[] rgba8, int width, int height);

        /** As {@link #image} from RGBA16 keys. */
        float[] image16(long[] rgba16, int width, int height);

        /** {@value FeatureKernels#AUDIO_DIMENSION} floats from mono samples in [-1, 1]. */
        float[] audio(float[] mono, int sampleRate);

        /** {@value FeatureKernels#TENSOR_DIMENSION} floats from a tensor's stats and a sample of its values. */
        float[] tensor(ChunkStats stats, float[] sample);
    }

    private FeatureKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static float[] image(int[] rgba8, int width, int height) {
        return IMPL.image(rgba8, width, height);
    }

    public static float[] image16(long[] rgba16, int width, int height) {
        return IMPL.image16(rgba16, width, height);
    }

    public static float[] audio(float[] mono, int sampleRate) {
        return IMPL.audio(mono, sampleRate);
    }

    public static float[] tensor(ChunkStats stats, float[] sample) {
        return IMPL.tensor(stats, sample);
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
