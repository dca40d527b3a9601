package io.hartonomous.kernels;

import java.util.Objects;

/**
 * The packed ordinal column of a composition segment: unsigned big-endian integers of 1-4 bytes each, to and from
 * {@code int}. Big-endian because T-SQL decodes it with {@code CAST(SUBSTRING(..., i * w + 1, w) AS INT)}
 * (docs/decisions.md, "Positions in segments"). {@link VectorOrdinalKernels} on machines {@link KernelProvider} finds
 * fit for the Vector API, else {@link ScalarOrdinalKernels}, chosen once.
 */
public final class OrdinalKernels {
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorOrdinalKernels(), () -> new ScalarOrdinalKernels());

    /** The family's operations. {@code width} is the bytes per ordinal, 1-4. */
    public interface Implementation {
        /** Ordinals {@code from .. from + count - 1} of {@code packed} into {@code out[outFrom ..]}. */
        void unpack(byte[] packed, int width, int from, int count, int[] out, int outFrom);

        /**
         * {@code ordinals[from, from + count)} into {@code out[outFrom ..]}, {@code width} bytes each.
         *
         * @throws IllegalArgumentException naming the first ordinal that is negative or does not fit {@code width}
         *         bytes; {@code out} may then hold part of the column
         */
        void pack(int[] ordinals, int from, int count, int width, byte[] out, int outFrom);
    }

    private OrdinalKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static void unpack(byte[] packed, int width, int from, int count, int[] out, int outFrom) {
        IMPL.unpack(packed, width, from, count, out, outFrom);
    }

    public static void pack(int[] ordinals, int from, int count, int width, byte[] out, int outFrom) {
        IMPL.pack(ordinals, from, count, width, out, outFrom);
    }

    static void checkUnpack(byte[] packed, int width, int from, int count, int[] out, int outFrom) {
        checkWidth(width);
        Objects.checkFromIndexSize((long) from * width, (long) count * width, packed.length);
        Objects.checkFromIndexSize(outFrom, count, out.length);
    }

    static void checkPack(int[] ordinals, int from, int count, int width, byte[] out, int outFrom) {
        checkWidth(width);
        Objects.checkFromIndexSize(from, count, ordinals.length);
        Objects.checkFromIndexSize(outFrom, (long) count * width, out.length);
    }

    private static void checkWidth(int width) {
        if (width < 1 || width > 4) {
            throw new IllegalArgumentException("an ordinal is 1-4 bytes, not " + width);
        }
    }
}
