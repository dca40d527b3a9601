package io.hartonomous.kernels;

import java.util.Objects;

/**
 * Scalar twin of {@link PcmKernels}. Interleaved little-endian PCM bytes to canonical sample keys (the exact stored
 * bits, widened): pcm8 unsigned 0..255; pcm16/pcm24/pcm32 sign-extended two's complement; float32 raw IEEE bits;
 * float64 raw IEEE bits via {@link #decode64}. {@code from} is a byte offset into {@code in}.
 */
public final class ScalarPcmKernels implements PcmKernels.Implementation {
    public ScalarPcmKernels() {
    }

    @Override
    public void decode(byte[] in, int from, int samples, int bytesPerSample, boolean floatingPoint,
                       int[] out, int outFrom) {
        PcmKernels.checkFormat(bytesPerSample, floatingPoint);
        Objects.checkFromIndexSize(from, Math.multiplyExact(samples, bytesPerSample), in.length);
        Objects.checkFromIndexSize(outFrom, samples, out.length);
        int s = from;
        switch (bytesPerSample) {
            case 1 -> {
                for (int i = 0; i < samples; i++) {
                    out[outFrom + i] = in[s++] & 0xFF;
                }
            }
            case 2 -> {
                for (int i = 0; i < samples; i++, s += 2) {
                    out[outFrom + i] = (in[s] & 0xFF) | in[s + 1] << 8;
                }
            }
            case 3 -> {
                for (int i = 0; i < samples; i++, s += 3) {
                    out[outFrom + i] = (in[s] & 0xFF) | (in[s + 1] & 0xFF) << 8 | in[s + 2] << 16;
                }
            }
            default -> {
                for (int i = 0; i < samples; i++, s += 4) {
                    out[outFrom + i] = (in[s] & 0xFF) | (in[s + 1] & 0xFF) << 8 | (in[s + 2] & 0xFF) << 16
                            | in[s + 3] << 24;
                }
            }
        }
    }

    /** Little-endian float64 samples to their raw IEEE bits. */
    @Override
    public void decode64(byte[] in, int from, int samples, long[] out, int outFrom) {
        Objects.checkFromIndexSize(from, Math.multiplyExact(samples, 8), in.length);
        Objects.checkFromIndexSize(outFrom, samples, out.length);
        for (int i = 0, s = from; i < samples; i++, s += 8) {
            long v = 0;
            for (int b = 7; b >= 0; b--) {
                v = v << 8 | (in[s + b] & 0xFFL);
            }
            out[outFrom + i] = v;
        }
    }

    /**
     * Keys of one subtype to float: pcm8 {@code (v-128)/128}, pcm16 {@code v/2^15}, pcm24 {@code v/2^23},
     * pcm32 {@code (float) v / 2^31} (int to float rounds to nearest, the power-of-two scale is exact), all in
     * [-1, 1]; float32 keys are the value itself.
     */
    @Override
    public void toFloat(int[] keys, int from, int count, int bytesPerSample, boolean floatingPoint,
                        float[] out, int outFrom) {
        PcmKernels.checkToFloat(keys, from, count, bytesPerSample, floatingPoint, out, outFrom);
        if (floatingPoint) {
            for (int i = 0; i < count; i++) {
                out[outFrom + i] = Float.intBitsToFloat(keys[from + i]);
            }
            return;
        }
        int bias = bytesPerSample == 1 ? 128 : 0;
        float scale = PcmKernels.scale(bytesPerSample);
        for (int i = 0; i < count; i++) {
            out[outFrom + i] = (float) (keys[from + i] - bias) * scale;
        }
    }
}
