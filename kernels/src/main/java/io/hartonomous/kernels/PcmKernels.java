package io.hartonomous.kernels;

import java.util.Objects;

/**
 * PCM samples to canonical keys and keys to float (see {@link ScalarPcmKernels} for the key semantics): the
 * {@link VectorPcmKernels} on machines {@link KernelProvider} finds fit for the Vector API, else the scalar twin.
 */
public final class PcmKernels {
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorPcmKernels(), () -> new ScalarPcmKernels());

    /** The family's operations; {@code from} in {@code in} is a byte offset. */
    public interface Implementation {
        /** Interleaved little-endian samples of 1..4 bytes (or float32 with {@code floatingPoint}) to keys. */
        void decode(byte[] in, int from, int samples, int bytesPerSample, boolean floatingPoint, int[] out,
                    int outFrom);

        /** Little-endian float64 samples to their raw IEEE bits. */
        void decode64(byte[] in, int from, int samples, long[] out, int outFrom);

        /** Keys of one subtype to float in [-1, 1] (float32 keys: the value itself). */
        void toFloat(int[] keys, int from, int count, int bytesPerSample, boolean floatingPoint, float[] out,
                     int outFrom);
    }

    private PcmKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static void decode(byte[] in, int from, int samples, int bytesPerSample, boolean floatingPoint,
                              int[] out, int outFrom) {
        IMPL.decode(in, from, samples, bytesPerSample, floatingPoint, out, outFrom);
    }

    public static void decode64(byte[] in, int from, int samples, long[] out, int outFrom) {
        IMPL.decode64(in, from, samples, out, outFrom);
    }

    public static void toFloat(int[] keys, int from, int count, int bytesPerSample, boolean floatingPoint,
                               float[] out, int outFrom) {
        IMPL.toFloat(keys, from, count, bytesPerSample, floatingPoint, out, outFrom);
    }

    static void checkFormat(int bytesPerSample, boolean floatingPoint) {
        if (floatingPoint ? bytesPerSample != 4 : bytesPerSample < 1 || bytesPerSample > 4) {
            throw new IllegalArgumentException((floatingPoint ? "float" : "pcm") + " samples of " + bytesPerSample
                    + " bytes are not supported here" + (floatingPoint && bytesPerSample == 8 ? " (use decode64)" : ""));
        }
    }

    static void checkToFloat(int[] keys, int from, int count, int bytesPerSample, boolean floatingPoint, float[] out,
                             int outFrom) {
        checkFormat(bytesPerSample, floatingPoint);
        Objects.checkFromIndexSize(from, count, keys.length);
        Objects.checkFromIndexSize(outFrom, count, out.length);
    }

    static float scale(int bytesPerSample) {
        return switch (bytesPerSample) {
            case 1 -> 0x1p-7f;
            case 2 -> 0x1p-15f;
            case 3 -> 0x1p-23f;
            default -> 0x1p-31f;
        };
    }
}
