package io.hartonomous.kernels;

import java.util.Objects;

/**
 * Scalar twin of {@link PixelKernels}: canonical pixel keys, one plain loop per source layout.
 *
 * <p>RGBA8 key ({@code int}) = {@code R | G<<8 | B<<16 | A<<24}, i.e. the little-endian bytes R,G,B,A.
 * RGBA16 key ({@code long}) = {@code R | G<<16 | B<<32 | A<<48}, i.e. little-endian uint16 R,G,B,A.
 * Band meanings for the interleaved layouts: 1 = gray (R=G=B=v, A=max), 2 = gray+alpha, 3 = RGB (A=max), 4 = RGBA.
 * Offsets ({@code from}) are element indices into the source array (ints, bytes or shorts), not pixel indices.
 */
public final class ScalarPixelKernels implements PixelKernels.Implementation {
    public ScalarPixelKernels() {
    }

    /** {@code BufferedImage.TYPE_INT_ARGB} (A<<24|R<<16|G<<8|B) to RGBA8 keys; {@code forceOpaque} sets A=255. */
    @Override
    public void argbToRgba8(int[] argb, int from, int pixels, boolean forceOpaque, int[] out, int outFrom) {
        Objects.checkFromIndexSize(from, pixels, argb.length);
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        int alpha = forceOpaque ? 0xFF00_0000 : 0;
        for (int i = 0; i < pixels; i++) {
            int p = argb[from + i];
            out[outFrom + i] = (p & 0xFF00_FF00) | ((p >>> 16) & 0xFF) | ((p & 0xFF) << 16) | alpha;
        }
    }

    /** Interleaved 8-bit samples with 1..4 bands (see class comment) to RGBA8 keys. */
    @Override
    public void interleaved8ToRgba8(byte[] samples, int from, int pixels, int bands, int[] out, int outFrom) {
        PixelKernels.checkBands(bands);
        Objects.checkFromIndexSize(from, Math.multiplyExact(pixels, bands), samples.length);
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        int s = from;
        for (int i = 0; i < pixels; i++) {
            int key;
            switch (bands) {
                case 1 -> {
                    int v = samples[s] & 0xFF;
                    key = v | v << 8 | v << 16 | 0xFF00_0000;
                }
                case 2 -> {
                    int v = samples[s] & 0xFF;
                    key = v | v << 8 | v << 16 | (samples[s + 1] & 0xFF) << 24;
                }
                case 3 -> key = (samples[s] & 0xFF) | (samples[s + 1] & 0xFF) << 8 | (samples[s + 2] & 0xFF) << 16
                        | 0xFF00_0000;
                default -> key = (samples[s] & 0xFF) | (samples[s + 1] & 0xFF) << 8 | (samples[s + 2] & 0xFF) << 16
                        | (samples[s + 3] & 0xFF) << 24;
            }
            out[outFrom + i] = key;
            s += bands;
        }
    }

    /** {@code BufferedImage.TYPE_4BYTE_ABGR} bytes (A,B,G,R per pixel) to RGBA8 keys. */
    @Override
    public void abgr8ToRgba8(byte[] abgr, int from, int pixels, int[] out, int outFrom) {
        Objects.checkFromIndexSize(from, Math.multiplyExact(pixels, 4), abgr.length);
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        for (int i = 0, s = from; i < pixels; i++, s += 4) {
            out[outFrom + i] = (abgr[s + 3] & 0xFF) | (abgr[s + 2] & 0xFF) << 8 | (abgr[s + 1] & 0xFF) << 16
                    | (abgr[s] & 0xFF) << 24;
        }
    }

    /** {@code BufferedImage.TYPE_3BYTE_BGR} bytes (B,G,R per pixel) to opaque RGBA8 keys. */
    @Override
    public void bgr8ToRgba8(byte[] bgr, int from, int pixels, int[] out, int outFrom) {
        Objects.checkFromIndexSize(from, Math.multiplyExact(pixels, 3), bgr.length);
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        for (int i = 0, s = from; i < pixels; i++, s += 3) {
            out[outFrom + i] = (bgr[s + 2] & 0xFF) | (bgr[s + 1] & 0xFF) << 8 | (bgr[s] & 0xFF) << 16 | 0xFF00_0000;
        }
    }

    /** Interleaved uint16 samples with 1..4 bands to RGBA16 keys (A=0xFFFF when absent). */
    @Override
    public void interleaved16ToRgba16(short[] samples, int from, int pixels, int bands, long[] out, int outFrom) {
        PixelKernels.checkBands(bands);
        Objects.checkFromIndexSize(from, Math.multiplyExact(pixels, bands), samples.length);
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        int s = from;
        for (int i = 0; i < pixels; i++) {
            long key;
            switch (bands) {
                case 1 -> {
                    long v = samples[s] & 0xFFFFL;
                    key = v | v << 16 | v << 32 | 0xFFFFL << 48;
                }
                case 2 -> {
                    long v = samples[s] & 0xFFFFL;
                    key = v | v << 16 | v << 32 | (samples[s + 1] & 0xFFFFL) << 48;
                }
                case 3 -> key = (samples[s] & 0xFFFFL) | (samples[s + 1] & 0xFFFFL) << 16
                        | (samples[s + 2] & 0xFFFFL) << 32 | 0xFFFFL << 48;
                default -> key = (samples[s] & 0xFFFFL) | (samples[s + 1] & 0xFFFFL) << 16
                        | (samples[s + 2] & 0xFFFFL) << 32 | (samples[s + 3] & 0xFFFFL) << 48;
            }
            out[outFrom + i] = key;
            s += bands;
        }
    }
}
