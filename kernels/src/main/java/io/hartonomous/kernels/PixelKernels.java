package io.hartonomous.kernels;

/**
 * Canonical pixel keys with the Vector API; {@link ScalarPixelKernels} is the twin (and documents the key layout).
 */
public final class PixelKernels {
    private PixelKernels() {
    }

    public static void argbToRgba8(int[] argb, int from, int pixels, int[] out, int outFrom) {
        argbToRgba8(argb, from, pixels, false, out, outFrom);
    }

    public static void argbToRgba8(int[] argb, int from, int pixels, boolean forceOpaque, int[] out, int outFrom) {
        ScalarPixelKernels.argbToRgba8(argb, from, pixels, forceOpaque, out, outFrom);
    }

    public static void interleaved8ToRgba8(byte[] samples, int from, int pixels, int bands, int[] out, int outFrom) {
        ScalarPixelKernels.interleaved8ToRgba8(samples, from, pixels, bands, out, outFrom);
    }

    public static void abgr8ToRgba8(byte[] abgr, int from, int pixels, int[] out, int outFrom) {
        ScalarPixelKernels.abgr8ToRgba8(abgr, from, pixels, out, outFrom);
    }

    public static void bgr8ToRgba8(byte[] bgr, int from, int pixels, int[] out, int outFrom) {
        ScalarPixelKernels.bgr8ToRgba8(bgr, from, pixels, out, outFrom);
    }

    public static void interleaved16ToRgba16(short[] samples, int from, int pixels, int bands, long[] out, int outFrom) {
        ScalarPixelKernels.interleaved16ToRgba16(samples, from, pixels, bands, out, outFrom);
    }

    static void checkBands(int bands) {
        if (bands < 1 || bands > 4) {
            throw new IllegalArgumentException("bands must be 1..4, got " + bands);
        }
    }
}
