package io.hartonomous.kernels;

import java.util.Objects;

/**
 * Scalar twin of {@link FeatureKernels} and the definition of the built-in feature descriptors.
 *
 * <p><b>Image</b> ({@value FeatureKernels#IMAGE_DIMENSION} floats): [0,64) RGB histogram over the top 2 bits of
 * each channel (bin = r2·16 + g2·4 + b2), pixel fractions; [64,80) gradient-orientation histogram of the luminance
 * (central differences, edges clamped, unsigned orientation in [0,π) in 16 bins, weighted by gradient magnitude,
 * normalised to sum 1); [80,88) luminance mean, standard deviation, min, max, alpha mean, mean gradient magnitude,
 * mean saturation (max−min of r,g,b), entropy of a 16-bin luminance histogram / 4. Channels are scaled to [0,1]
 * (8-bit /255, 16-bit /65535) and luminance is Rec.709 {@code 0.2126r + 0.7152g + 0.0722b}. The whole vector is then
 * L2-normalised. A 16-bit image whose samples are 8-bit values ×257 has the same histogram bins as the 8-bit one.
 * The orientation bin is found without atan2: after folding the gradient into the upper half plane, it is the
 * number of bin boundaries jπ/16 (j = 1..15) with {@code cos(jπ/16)·gy − sin(jπ/16)·gx ≥ 0}.
 *
 * <p><b>Audio</b> ({@value FeatureKernels#AUDIO_DIMENSION} floats): Hann-windowed 2048-point FFT frames, hop
 * 1024 (at most {@value #MAX_FRAMES} frames, evenly spread); [0,32) mean over frames of
 * {@code (log10(E_band + 1e-10) + 10) / 10} for 32 log-spaced bands from 30 Hz to min(16 kHz, Nyquist); [32,42)
 * mean and standard deviation of spectral centroid / Nyquist, 85 % rolloff / Nyquist, zero-crossing rate, RMS and
 * spectral flatness. L2-normalised.
 *
 * <p><b>Tensor</b> ({@value FeatureKernels#TENSOR_DIMENSION} floats): [0,10) signed log1p of mean, log1p of
 * std, signed log1p of min and max, NaN fraction, skewness/10 (clamped ±1), log1p(excess kurtosis + 3)/10, zero
 * fraction, negative fraction, log10(count+1)/10 (moments of the sample); [10,42) 32-bin histogram of the sample over
 * [min, max] of the stats, fractions. L2-normalised.
 */
public final class ScalarFeatureKernels implements FeatureKernels.Implementation {
    static final int MAX_FRAMES = 2048;
    static final int FFT_SIZE = 2048;
    static final int HOP = 1024;
    static final int AUDIO_BANDS = 32;
    static final int TENSOR_BINS = 32;

    private static final ScalarStatsKernels STATS = new ScalarStatsKernels();

    /** The per-row gradient step of the image descriptor: {@link #gradientRow} here, vectorized in the SIMD kernels. */
    @FunctionalInterface
    interface GradientRow {
        void compute(float[] lum, int width, int height, int y, float[] mag, int[] bin);
    }

    public ScalarFeatureKernels() {
    }

    @Override
    public float[] image(int[] rgba8, int width, int height) {
        return image(rgba8, width, height, ScalarFeatureKernels::gradientRow);
    }

    @Override
    public float[] image16(long[] rgba16, int width, int height) {
        return image16(rgba16, width, height, ScalarFeatureKernels::gradientRow);
    }

    static float[] image(int[] rgba8, int width, int height, GradientRow rows) {
        int n = checkImage(rgba8.length, width, height);
        float[] r = new float[n];
        float[] g = new float[n];
        float[] b = new float[n];
        float[] a = new float[n];
        int[] bins = new int[n];
        for (int i = 0; i < n; i++) {
            int p = rgba8[i];
            int ri = p & 0xFF;
            int gi = (p >>> 8) & 0xFF;
            int bi = (p >>> 16) & 0xFF;
            r[i] = ri / 255f;
            g[i] = gi / 255f;
            b[i] = bi / 255f;
            a[i] = (p >>> 24) / 255f;
            bins[i] = (ri >>> 6) << 4 | (gi >>> 6) << 2 | (bi >>> 6);
        }
        return imageDescriptor(r, g, b, a, bins, width, height, rows);
    }

    static float[] image16(long[] rgba16, int width, int height, GradientRow rows) {
        int n = checkImage(rgba16.length, width, height);
        float[] r = new float[n];
        float[] g = new float[n];
        float[] b = new float[n];
        float[] a = new float[n];
        int[] bins = new int[n];
        for (int i = 0; i < n; i++) {
            long p = rgba16[i];
            int ri = (int) (p & 0xFFFF);
            int gi = (int) ((p >>> 16) & 0xFFFF);
            int bi = (int) ((p >>> 32) & 0xFFFF);
            r[i] = ri / 65535f;
            g[i] = gi / 65535f;
            b[i] = bi / 65535f;
            a[i] = (int) (p >>> 48) / 65535f;
            bins[i] = (ri >>> 14) << 4 | (gi >>> 14) << 2 | (bi >>> 14);
        }
        return imageDescriptor(r, g, b, a, bins, width, height, rows);
    }

    static int checkImage(int length, int width, int height) {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("negative image size " + width + "x" + height);
        }
        int n = Math.multiplyExact(width, height);
        if (length < n) {
            throw new IllegalArgumentException("pixel array of " + length + " is shorter than " + width + "x" + height);
        }
        return n;
    }

    static float[] imageDescriptor(float[] r, float[] g, float[] b, float[] a, int[] bins, int width, int height,
                                   GradientRow rows) {
        int n = width * height;
        float[] out = new float[FeatureKernels.IMAGE_DIMENSION];
        if (n == 0) {
            return out;
        }
        float[] lum = new float[n];
        double alphaSum = 0;
        double satSum = 0;
        int[] lumHist = new int[16];
        int[] colour = new int[64];
        for (int i = 0; i < n; i++) {
            float l = 0.2126f * r[i] + 0.7152f * g[i] + 0.0722f * b[i];
            lum[i] = l;
            alphaSum += a[i];
            satSum += Math.max(r[i], Math.max(g[i], b[i])) - Math.min(r[i], Math.min(g[i], b[i]));
            lumHist[Math.min(15, (int) (l * 16))]++;
            colour[bins[i]]++;
        }
        for (int k = 0; k < 64; k++) {
            out[k] = colour[k] / (float) n;
        }
        ChunkStats ls = STATS.stats(lum, 0, n);
        double[] orient = new double[16];
        float[] mag = new float[width];
        int[] bin = new int[width];
        double magSum = 0;
        for (int y = 0; y < height; y++) {
            rows.compute(lum, width, height, y, mag, bin);
            for (int x = 0; x < width; x++) {
                if (mag[x] > 0) {
                    orient[bin[x]] += mag[x];
                    magSum += mag[x];
                }
            }
        }
        for (int k = 0; k < 16; k++) {
            out[64 + k] = magSum > 0 ? (float) (orient[k] / magSum) : 0f;
        }
        double entropy = 0;
        for (int c : lumHist) {
            if (c > 0) {
                double p = c / (double) n;
                entropy -= p * Math.log(p) / Math.log(2);
            }
        }
        out[80] = (float) ls.mean();
        out[81] = (float) ls.stddev();
        out[82] = ls.min();
        out[83] = ls.max();
        out[84] = (float) (alphaSum / n);
        out[85] = (float) (magSum / n);
        out[86] = (float) (satSum / n);
        out[87] = (float) (entropy / 4);
        return l2normalize(out);
    }

    /** cos and sin of the 15 inner orientation-bin boundaries jπ/16, j = 1..15. */
    static final float[] BIN_COS = new float[15];
    static final float[] BIN_SIN = new float[15];

    static {
        for (int j = 1; j <= 15; j++) {
            BIN_COS[j - 1] = (float) Math.cos(j * Math.PI / 16);
            BIN_SIN[j - 1] = (float) Math.sin(j * Math.PI / 16);
        }
    }

    /**
     * Gradient magnitude and orientation bin of every pixel of row y (central differences, edges clamped).
     * {@link VectorFeatureKernels} computes the same per-pixel float operations with vectors.
     */
    static void gradientRow(float[] lum, int width, int height, int y, float[] mag, int[] bin) {
        int up = Math.max(0, y - 1) * width;
        int down = Math.min(height - 1, y + 1) * width;
        int row = y * width;
        for (int x = 0; x < width; x++) {
            gradientPixel(lum[row + Math.min(width - 1, x + 1)] - lum[row + Math.max(0, x - 1)],
                    lum[down + x] - lum[up + x], x, mag, bin);
        }
    }

    static void gradientPixel(float gx, float gy, int x, float[] mag, int[] bin) {
        mag[x] = (float) Math.sqrt(gx * gx + gy * gy);
        bin[x] = orientationBin(gx, gy);
    }

    /**
     * Unsigned gradient orientation in [0, π) to one of 16 bins: fold into the upper half plane, then count the
     * boundaries jπ/16 at or below the direction ({@code cos θj · gy − sin θj · gx ≥ 0}); no atan2.
     */
    static int orientationBin(float gx, float gy) {
        if (gy < 0 || (gy == 0 && gx < 0)) {
            gx = -gx;
            gy = -gy;
        }
        int bin = 0;
        for (int j = 0; j < 15; j++) {
            if (BIN_COS[j] * gy - BIN_SIN[j] * gx >= 0) {
                bin++;
            }
        }
        return bin;
    }

    @Override
    public float[] audio(float[] mono, int sampleRate) {
        Objects.requireNonNull(mono, "mono");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        float[] out = new float[FeatureKernels.AUDIO_DIMENSION];
        if (mono.length == 0) {
            return out;
        }
        int frames = mono.length <= FFT_SIZE ? 1 : 1 + (mono.length - FFT_SIZE + HOP - 1) / HOP;
        int used = Math.min(frames, MAX_FRAMES);
        float[] window = FeatureKernels.hann(FFT_SIZE);
        int[] bandEdges = bandEdges(sampleRate);
        double nyquist = sampleRate / 2.0;
        float[] re = new float[FFT_SIZE];
        float[] im = new float[FFT_SIZE];
        float[] power = new float[FFT_SIZE / 2 + 1];
        double[] bandMean = new double[AUDIO_BANDS];
        double[][] summary = new double[5][2];
        for (int f = 0; f < used; f++) {
            long frameIndex = used == frames ? f : (long) f * (frames - 1) / Math.max(1, used - 1);
            int start = (int) (frameIndex * HOP);
            int len = Math.min(FFT_SIZE, mono.length - start);
            int crossings = 0;
            double energy = 0;
            for (int i = 0; i < FFT_SIZE; i++) {
                float x = i < len ? mono[start + i] : 0f;
                if (i > 0 && i < len && (x >= 0) != (mono[start + i - 1] >= 0)) {
                    crossings++;
                }
                energy += x * x;
                re[i] = x * window[i];
                im[i] = 0;
            }
            FeatureKernels.fft(re, im);
            FeatureKernels.powerSpectrum(re, im, power);
            double total = 0;
            double weighted = 0;
            double logSum = 0;
            for (int k = 0; k < power.length; k++) {
                total += power[k];
                weighted += power[k] * (k * (double) sampleRate / FFT_SIZE);
                logSum += Math.log(power[k] + 1e-20);
            }
            double rolloffTarget = 0.85 * total;
            double acc = 0;
            int rolloffBin = power.length - 1;
            for (int k = 0; k < power.length; k++) {
                acc += power[k];
                if (acc >= rolloffTarget) {
                    rolloffBin = k;
                    break;
                }
            }
            for (int band = 0; band < AUDIO_BANDS; band++) {
                double e = 0;
                for (int k = bandEdges[band]; k < bandEdges[band + 1]; k++) {
                    e += power[k];
                }
                bandMean[band] += (Math.log10(e + 1e-10) + 10) / 10;
            }
            double centroid = total > 0 ? weighted / total / nyquist : 0;
            double rolloff = total > 0 ? rolloffBin * (double) sampleRate / FFT_SIZE / nyquist : 0;
            double zcr = len > 1 ? crossings / (double) (len - 1) : 0;
            double rms = Math.sqrt(energy / Math.max(1, len));
            double flatness = total > 0 ? Math.exp(logSum / power.length) / (total / power.length) : 0;
            double[] values = {centroid, rolloff, zcr, rms, flatness};
            for (int s = 0; s < 5; s++) {
                summary[s][0] += values[s];
                summary[s][1] += values[s] * values[s];
            }
        }
        for (int band = 0; band < AUDIO_BANDS; band++) {
            out[band] = (float) (bandMean[band] / used);
        }
        for (int s = 0; s < 5; s++) {
            double mean = summary[s][0] / used;
            double var = Math.max(0, summary[s][1] / used - mean * mean);
            out[AUDIO_BANDS + 2 * s] = (float) mean;
            out[AUDIO_BANDS + 2 * s + 1] = (float) Math.sqrt(var);
        }
        return l2normalize(out);
    }

    /** FFT bin edges of the 32 log-spaced bands; each band has at least one bin. */
    static int[] bandEdges(int sampleRate) {
        double nyquist = sampleRate / 2.0;
        double lo = Math.min(30, nyquist / 64);
        double hi = Math.min(16000, nyquist);
        double binHz = (double) sampleRate / FFT_SIZE;
        int[] edges = new int[AUDIO_BANDS + 1];
        int maxBin = FFT_SIZE / 2 + 1;
        for (int k = 0; k <= AUDIO_BANDS; k++) {
            double hz = lo * Math.pow(hi / lo, k / (double) AUDIO_BANDS);
            int bin = (int) Math.round(hz / binHz);
            if (k > 0) {
                bin = Math.max(bin, edges[k - 1] + 1);
            }
            edges[k] = Math.min(bin, maxBin - (AUDIO_BANDS - k));
        }
        return edges;
    }

    @Override
    public float[] tensor(ChunkStats stats, float[] sample) {
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(sample, "sample");
        float[] out = new float[FeatureKernels.TENSOR_DIMENSION];
        long total = stats.count() + stats.nanCount();
        out[0] = signedLog1p(stats.mean());
        out[1] = (float) Math.log1p(finiteOr0(stats.stddev()));
        out[2] = signedLog1p(stats.min());
        out[3] = signedLog1p(stats.max());
        out[4] = total > 0 ? (float) (stats.nanCount() / (double) total) : 0f;
        out[9] = (float) (Math.log10(total + 1.0) / 10);
        int n = 0;
        double sum = 0;
        int zeros = 0;
        int negatives = 0;
        for (float x : sample) {
            if (Float.isFinite(x)) {
                n++;
                sum += x;
                if (x == 0) {
                    zeros++;
                } else if (x < 0) {
                    negatives++;
                }
            }
        }
        if (n > 0) {
            double mean = sum / n;
            double m2 = 0;
            double m3 = 0;
            double m4 = 0;
            for (float x : sample) {
                if (Float.isFinite(x)) {
                    double d = x - mean;
                    double d2 = d * d;
                    m2 += d2;
                    m3 += d2 * d;
                    m4 += d2 * d2;
                }
            }
            m2 /= n;
            m3 /= n;
            m4 /= n;
            double skew = m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
            double kurt = m2 > 0 ? m4 / (m2 * m2) : 0;
            out[5] = (float) Math.max(-1, Math.min(1, skew / 10));
            out[6] = (float) (Math.log1p(kurt) / 10);
            out[7] = zeros / (float) n;
            out[8] = negatives / (float) n;
            float lo = Float.isFinite(stats.min()) ? stats.min() : Float.NaN;
            float hi = Float.isFinite(stats.max()) ? stats.max() : Float.NaN;
            if (!(lo == lo) || !(hi == hi) || !(hi > lo)) {
                lo = Float.POSITIVE_INFINITY;
                hi = Float.NEGATIVE_INFINITY;
                for (float x : sample) {
                    if (Float.isFinite(x)) {
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                }
            }
            int[] hist = new int[TENSOR_BINS];
            double width = (double) hi - lo;
            for (float x : sample) {
                if (Float.isFinite(x)) {
                    int bin = width > 0 ? (int) ((x - (double) lo) / width * TENSOR_BINS) : TENSOR_BINS / 2;
                    hist[Math.max(0, Math.min(TENSOR_BINS - 1, bin))]++;
                }
            }
            for (int k = 0; k < TENSOR_BINS; k++) {
                out[10 + k] = hist[k] / (float) n;
            }
        }
        return l2normalize(out);
    }

    static double finiteOr0(double x) {
        return Double.isFinite(x) ? x : 0;
    }

    static float signedLog1p(double x) {
        if (!Double.isFinite(x)) {
            return Double.isNaN(x) ? 0f : (float) Math.copySign(Math.log1p(Float.MAX_VALUE), x);
        }
        return (float) Math.copySign(Math.log1p(Math.abs(x)), x);
    }

    static float[] l2normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s > 0) {
            float inv = (float) (1 / Math.sqrt(s));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}
