package io.hartonomous.kernels;

/** PCM decoding with the Vector API; {@link ScalarPcmKernels} is the twin and documents the key semantics. */
public final class PcmKernels {
    private PcmKernels() {
    }

    public static void decode(byte[] in, int from, int samples, int bytesPerSample, boolean floatingPoint,
                              int[] out, int outFrom) {
        ScalarPcmKernels.decode(in, from, samples, bytesPerSample, floatingPoint, out, outFrom);
    }

    public static void decode64(byte[] in, int from, int samples, long[] out, int outFrom) {
        ScalarPcmKernels.decode64(in, from, samples, out, outFrom);
    }

    public static void toFloat(int[] keys, int from, int count, int bytesPerSample, boolean floatingPoint,
                               float[] out, int outFrom) {
        ScalarPcmKernels.toFloat(keys, from, count, bytesPerSample, floatingPoint, out, outFrom);
    }

    static void checkFormat(int bytesPerSample, boolean floatingPoint) {
        if (floatingPoint ? bytesPerSample != 4 : bytesPerSample < 1 || bytesPerSample > 4) {
            throw new IllegalArgumentException((floatingPoint ? "float" : "pcm") + " samples of " + bytesPerSample
                    + " bytes are not supported here" + (floatingPoint && bytesPerSample == 8 ? " (use decode64)" : ""));
        }
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
