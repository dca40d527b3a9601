package io.hartonomous.kernels;

import java.util.Objects;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Canonical pixel keys with the Vector API; {@link ScalarPixelKernels} is the twin (and documents the key layout).
 *
 * <p>Interleaved layouts are converted with one constant byte (or short) shuffle per band count: a full vector of
 * source bytes is loaded, permuted into R,G,B,A order (gray replicated, missing alpha taken from a constant vector)
 * and reinterpreted as int (or long) lanes. At the preferred width on AVX-512 that is one {@code vpermb}/
 * {@code vpermw} per 16 (8) pixels. Two layouts skip the shuffle, because AVX2 has none for bytes or shorts across
 * its 128-bit halves and emulates it in several instructions: RGBA (already in key order: a reinterpreting copy)
 * and 8-bit gray (widened and multiplied by 0x010101). Tails shorter than a vector use the scalar twin;
 * {@link KernelProvider} picks this class only where the preferred vectors are at least 128 bits wide.
 */
final class VectorPixelKernels implements PixelKernels.Implementation {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    private static final ScalarPixelKernels SCALAR = new ScalarPixelKernels();
    /** Pixels per byte vector (4 bytes per output pixel) and per short vector (4 shorts per output pixel). */
    private static final int PX8 = BYTES.length() / 4;
    private static final int PX16 = SHORTS.length() / 4;
    private static final IntVector MASK_AG = IntVector.broadcast(INTS, 0xFF00_FF00);
    private static final IntVector OPAQUE = IntVector.broadcast(INTS, 0xFF00_0000);
    private static final ByteVector ALPHA8 = ByteVector.broadcast(BYTES, (byte) 0xFF);
    private static final ShortVector ALPHA16 = ShortVector.broadcast(SHORTS, (short) 0xFFFF);
    /** Index -1 in these tables means "alpha from the constant vector". */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Byte>[] SHUFFLE8 = new VectorShuffle[5];
    @SuppressWarnings("unchecked")
    private static final VectorMask<Byte>[] ALPHA_MASK8 = new VectorMask[5];
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Short>[] SHUFFLE16 = new VectorShuffle[5];
    @SuppressWarnings("unchecked")
    private static final VectorMask<Short>[] ALPHA_MASK16 = new VectorMask[5];
    private static final VectorShuffle<Byte> SHUFFLE_BGR;
    private static final VectorShuffle<Byte> SHUFFLE_ABGR = VectorShuffle.fromOp(BYTES, i -> (i & ~3) | (3 - (i & 3)));

    static {
        for (int bands = 1; bands <= 4; bands++) {
            int[] idx = new int[BYTES.length()];
            boolean[] alpha = new boolean[BYTES.length()];
            fill(idx, alpha, bands, false);
            SHUFFLE8[bands] = VectorShuffle.fromValues(BYTES, idx);
            ALPHA_MASK8[bands] = VectorMask.fromArray(BYTES, alpha, 0);
            int[] idx16 = new int[SHORTS.length()];
            boolean[] alpha16 = new boolean[SHORTS.length()];
            fill(idx16, alpha16, bands, false);
            SHUFFLE16[bands] = VectorShuffle.fromValues(SHORTS, idx16);
            ALPHA_MASK16[bands] = VectorMask.fromArray(SHORTS, alpha16, 0);
        }
        int[] idx = new int[BYTES.length()];
        fill(idx, new boolean[BYTES.length()], 3, true);
        SHUFFLE_BGR = VectorShuffle.fromValues(BYTES, idx);
    }

    private static void fill(int[] idx, boolean[] alpha, int bands, boolean bgr) {
        for (int p = 0; p < idx.length / 4; p++) {
            int s = p * bands;
            int[] rgba = switch (bands) {
                case 1 -> new int[] {s, s, s, -1};
                case 2 -> new int[] {s, s, s, s + 1};
                case 3 -> bgr ? new int[] {s + 2, s + 1, s, -1} : new int[] {s, s + 1, s + 2, -1};
                default -> new int[] {s, s + 1, s + 2, s + 3};
            };
            for (int c = 0; c < 4; c++) {
                idx[4 * p + c] = Math.max(0, rgba[c]);
                alpha[4 * p + c] = rgba[c] < 0;
            }
        }
    }

    VectorPixelKernels() {
    }

    @Override
    public void argbToRgba8(int[] argb, int from, int pixels, boolean forceOpaque, int[] out, int outFrom) {
        Objects.checkFromIndexSize(from, pixels, argb.length);
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        IntVector alpha = forceOpaque ? OPAQUE : IntVector.zero(INTS);
        int i = 0;
        int bound = INTS.loopBound(pixels);
        for (; i < bound; i += INTS.length()) {
            IntVector p = IntVector.fromArray(INTS, argb, from + i);
            p.and(MASK_AG)
                    .or(p.lanewise(VectorOperators.LSHR, 16).and(0xFF))
                    .or(p.and(0xFF).lanewise(VectorOperators.LSHL, 16))
                    .or(alpha)
                    .intoArray(out, outFrom + i);
        }
        if (i < pixels) {
            SCALAR.argbToRgba8(argb, from + i, pixels - i, forceOpaque, out, outFrom + i);
        }
    }

    @Override
    public void interleaved8ToRgba8(byte[] samples, int from, int pixels, int bands, int[] out, int outFrom) {
        PixelKernels.checkBands(bands);
        int end = Objects.checkFromIndexSize(from, Math.multiplyExact(pixels, bands), samples.length)
                + pixels * bands;
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        int i = 0;
        if (bands == 1) {
            i = gray8(samples, from, pixels, out, outFrom);
        } else if (bands == 4) {
            // already R,G,B,A: the key is the four bytes read as one little-endian int
            for (; i + PX8 <= pixels; i += PX8) {
                ByteVector.fromArray(BYTES, samples, from + 4 * i).reinterpretAsInts().intoArray(out, outFrom + i);
            }
        } else {
            VectorShuffle<Byte> shuffle = SHUFFLE8[bands];
            VectorMask<Byte> alpha = ALPHA_MASK8[bands];
            int s = from;
            int step = PX8 * bands;
            // the load reads a whole vector even when fewer bytes are consumed
            for (; s + BYTES.length() <= end; s += step, i += PX8) {
                ByteVector.fromArray(BYTES, samples, s).rearrange(shuffle).blend(ALPHA8, alpha)
                        .reinterpretAsInts().intoArray(out, outFrom + i);
            }
        }
        if (i < pixels) {
            SCALAR.interleaved8ToRgba8(samples, from + i * bands, pixels - i, bands, out, outFrom + i);
        }
    }

    /**
     * Gray: one full byte vector is zero-extended into four int vectors (no cross-lane byte shuffle, which AVX2
     * lacks), and {@code v * 0x010101 | 0xFF000000} replicates the value into R, G and B. Returns pixels done.
     */
    private static int gray8(byte[] samples, int from, int pixels, int[] out, int outFrom) {
        int lanes = INTS.length();
        int i = 0;
        for (; i + 4 * lanes <= pixels; i += 4 * lanes) {
            ByteVector b = ByteVector.fromArray(BYTES, samples, from + i);
            for (int part = 0; part < 4; part++) {
                ((IntVector) b.convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, part)).mul(0x01_0101).or(OPAQUE)
                        .intoArray(out, outFrom + i + part * lanes);
            }
        }
        return i;
    }

    @Override
    public void abgr8ToRgba8(byte[] abgr, int from, int pixels, int[] out, int outFrom) {
        Objects.checkFromIndexSize(from, Math.multiplyExact(pixels, 4), abgr.length);
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        // reverse the bytes of every pixel: A,B,G,R -> R,G,B,A
        int i = 0;
        for (; i + PX8 <= pixels; i += PX8) {
            ByteVector.fromArray(BYTES, abgr, from + 4 * i).rearrange(SHUFFLE_ABGR).reinterpretAsInts()
                    .intoArray(out, outFrom + i);
        }
        if (i < pixels) {
            SCALAR.abgr8ToRgba8(abgr, from + 4 * i, pixels - i, out, outFrom + i);
        }
    }

    @Override
    public void bgr8ToRgba8(byte[] bgr, int from, int pixels, int[] out, int outFrom) {
        int end = Objects.checkFromIndexSize(from, Math.multiplyExact(pixels, 3), bgr.length) + pixels * 3;
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        int i = 0;
        VectorMask<Byte> alpha = ALPHA_MASK8[3];
        for (int s = from; s + BYTES.length() <= end; s += PX8 * 3, i += PX8) {
            ByteVector.fromArray(BYTES, bgr, s).rearrange(SHUFFLE_BGR).blend(ALPHA8, alpha)
                    .reinterpretAsInts().intoArray(out, outFrom + i);
        }
        if (i < pixels) {
            SCALAR.bgr8ToRgba8(bgr, from + 3 * i, pixels - i, out, outFrom + i);
        }
    }

    @Override
    public void interleaved16ToRgba16(short[] samples, int from, int pixels, int bands, long[] out, int outFrom) {
        PixelKernels.checkBands(bands);
        int end = Objects.checkFromIndexSize(from, Math.multiplyExact(pixels, bands), samples.length)
                + pixels * bands;
        Objects.checkFromIndexSize(outFrom, pixels, out.length);
        int i = 0;
        if (bands == 4) {
            // already R,G,B,A: the key is the four shorts read as one little-endian long
            for (int s = from; i + PX16 <= pixels; s += SHORTS.length(), i += PX16) {
                ShortVector.fromArray(SHORTS, samples, s).reinterpretAsLongs().intoArray(out, outFrom + i);
            }
        } else {
            VectorShuffle<Short> shuffle = SHUFFLE16[bands];
            VectorMask<Short> alpha = ALPHA_MASK16[bands];
            int step = PX16 * bands;
            for (int s = from; s + SHORTS.length() <= end; s += step, i += PX16) {
                ShortVector.fromArray(SHORTS, samples, s).rearrange(shuffle).blend(ALPHA16, alpha)
                        .reinterpretAsLongs().intoArray(out, outFrom + i);
            }
        }
        if (i < pixels) {
            SCALAR.interleaved16ToRgba16(samples, from + i * bands, pixels - i, bands, out, outFrom + i);
        }
    }
}
