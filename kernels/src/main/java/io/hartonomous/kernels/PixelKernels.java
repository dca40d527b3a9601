package io.hartonomous.kernels;

/**
 * Canonical pixel keys (see {@link ScalarPixelKernels} for the key layout): the {@link VectorPixelKernels} on machines
 * {@link KernelProvider} finds fit for the Vector API, else the scalar twin, chosen once.
 */
public final class PixelKernels {
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorPixelKernels(), () -> new ScalarPixelKernels());

    /** The family's operations; offsets ({@code from}) are element indices into the source array. */
    public interface Implementation {
        /** {@code BufferedImage.TYPE_INT_ARGB} (A<<24|R<<16|G<<8|B) to RGBA8 keys. */
        default void argbToRgba8(int[] argb, int from, int pixels, int[] out, int outFrom) {
            argbToRgba8(argb, from, pixels, false, out, outFrom);
        }

        /** As the five-argument form; {@code forceOpaque} sets A=255 (TYPE_INT_RGB). */
        void argbToRgba8(int[] argb, int from, int pixels, boolean forceOpaque, int[] out, int outFrom);

        /** Interleaved 8-bit samples with 1..4 bands (gray, gray+alpha, RGB, RGBA) to RGBA8 keys. */
        void interleaved8ToRgba8(byte[] samples, int from, int pixels, int bands, int[] out, int outFrom);

        /** {@code BufferedImage.TYPE_4BYTE_ABGR} bytes (A,B,G,R per pixel) to RGBA8 keys. */
        void abgr8ToRgba8(byte[] abgr, int from, int pixels, int[] out, int outFrom);

        /** {@code BufferedImage.TYPE_3BYTE_BGR} bytes (B,G,R per pixel) to opaque RGBA8 keys. */
        void bgr8ToRgba8(byte[] bgr, int from, int pixels, int[] out, int outFrom);

        /** Interleaved uint16 samples with 1..4 bands to RGBA16 keys (A=0xFFFF when absent). */
        void interleaved16ToRgba16(short[] samples, int from, int pixels, int bands, long[] out, int outFrom);
    }

    private PixelKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static void argbToRgba8(int[] argb, int from, int pixels, int[] out, int outFrom) {
        IMPL.argbToRgba8(argb, from, pixels, false, out, outFrom);
    }

    public static void argbToRgba8(int[] argb, int from, int pixels, boolean forceOpaque, int[] out, int outFrom) {
        IMPL.argbToRgba8(argb, from, pixels, forceOpaque, out, outFrom);
    }

    public static void interleaved8ToRgba8(byte[] samples, int from, int pixels, int bands, int[] out, int outFrom) {
        IMPL.interleaved8ToRgba8(samples, from, pixels, bands, out, outFrom);
    }

    public static void abgr8ToRgba8(byte[] abgr, int from, int pixels, int[] out, int outFrom) {
        IMPL.abgr8ToRgba8(abgr, from, pixels, out, outFrom);
    }

    public static void bgr8ToRgba8(byte[] bgr, int from, int pixels, int[] out, int outFrom) {
        IMPL.bgr8ToRgba8(bgr, from, pixels, out, outFrom);
    }

    public static void interleaved16ToRgba16(short[] samples, int from, int pixels, int bands, long[] out, int outFrom) {
        IMPL.interleaved16ToRgba16(samples, from, pixels, bands, out, outFrom);
    }

    static void checkBands(int bands) {
        if (bands < 1 || bands > 4) {
            throw new IllegalArgumentException("bands must be 1..4, got " + bands);
        }
    }
}
