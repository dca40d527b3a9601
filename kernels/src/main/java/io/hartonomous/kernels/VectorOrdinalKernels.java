package io.hartonomous.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packed ordinals with the Vector API; {@link ScalarOrdinalKernels} is the twin.
 *
 * <p>Every width is one byte shuffle per four ordinals within a 128-bit register: unpacking moves each ordinal's
 * {@code width} big-endian bytes into the low bytes of a little-endian int lane (the lane's upper bytes are masked
 * off), packing does the reverse. 128 bits on purpose: byte shuffles stay inside one 128-bit lane on every x86 and
 * Arm vector unit, where a 256-bit shuffle would cross lanes and cost several instructions. Loads may read past the
 * ordinals in use (within the array); stores never write past them, so the bytes after the column are untouched.
 */
final class VectorOrdinalKernels implements OrdinalKernels.Implementation {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_128;
    private static final int LANES = INTS.length();
    private static final int REGISTER_BYTES = BYTES.length();
    /** Indexed by width; entry 0 unused. */
    private static final VectorShuffle<Byte>[] TO_LANES = shuffles(true);
    private static final VectorShuffle<Byte>[] TO_PACKED = shuffles(false);
    private static final ScalarOrdinalKernels SCALAR = new ScalarOrdinalKernels();

    VectorOrdinalKernels() {
    }

    @Override
    public void unpack(byte[] packed, int width, int from, int count, int[] out, int outFrom) {
        OrdinalKernels.checkUnpack(packed, width, from, count, out, outFrom);
        VectorShuffle<Byte> shuffle = TO_LANES[width];
        int keep = width == 4 ? -1 : (1 << 8 * width) - 1;
        int i = 0;
        for (int p = from * width; i + LANES <= count && p + REGISTER_BYTES <= packed.length; i += LANES,
                p += LANES * width) {
            ByteVector.fromArray(BYTES, packed, p).rearrange(shuffle).reinterpretAsInts().and(keep)
                    .intoArray(out, outFrom + i);
        }
        if (i < count) {
            SCALAR.unpack(packed, width, from + i, count - i, out, outFrom + i);
        }
    }

    @Override
    public void pack(int[] ordinals, int from, int count, int width, byte[] out, int outFrom) {
        OrdinalKernels.checkPack(ordinals, from, count, width, out, outFrom);
        VectorShuffle<Byte> shuffle = TO_PACKED[width];
        IntVector seen = IntVector.zero(INTS);
        int i = 0;
        // each store writes a whole register, of which 4 * width bytes are this step's: the rest is overwritten by
        // the next step, so the loop stops while a register still fits inside the column
        for (int p = outFrom; (long) i * width + REGISTER_BYTES <= (long) count * width; i += LANES,
                p += LANES * width) {
            IntVector v = IntVector.fromArray(INTS, ordinals, from + i);
            seen = seen.or(v);
            v.reinterpretAsBytes().rearrange(shuffle).intoArray(out, p);
        }
        if (!ScalarOrdinalKernels.fits(seen.reduceLanes(VectorOperators.OR), width)) {
            // some ordinal of the vector part is out of range: the twin finds and names it
            SCALAR.pack(ordinals, from, i, width, out, outFrom);
        }
        if (i < count) {
            SCALAR.pack(ordinals, from + i, count - i, width, out, outFrom + i * width);
        }
    }

    /**
     * toLanes: register byte {@code 4j + k} (byte k of int lane j, least significant first) takes packed byte
     * {@code j * width + (width - 1 - k)}; bytes above the width take byte 0 and are masked off. Otherwise the
     * reverse: packed byte {@code j * width + k} takes lane byte {@code 4j + (width - 1 - k)}; bytes past
     * {@code 4 * width} take byte 0 and are overwritten.
     */
    @SuppressWarnings("unchecked")
    private static VectorShuffle<Byte>[] shuffles(boolean toLanes) {
        VectorShuffle<Byte>[] byWidth = new VectorShuffle[5];
        for (int width = 1; width <= 4; width++) {
            int[] index = new int[REGISTER_BYTES];
            for (int b = 0; b < REGISTER_BYTES; b++) {
                if (toLanes) {
                    int lane = b / 4;
                    int k = b % 4;
                    index[b] = k < width ? lane * width + (width - 1 - k) : 0;
                } else {
                    int lane = b / width;
                    int k = b % width;
                    index[b] = b < LANES * width ? 4 * lane + (width - 1 - k) : 0;
                }
            }
            byWidth[width] = VectorShuffle.fromArray(BYTES, index, 0);
        }
        return byWidth;
    }
}
