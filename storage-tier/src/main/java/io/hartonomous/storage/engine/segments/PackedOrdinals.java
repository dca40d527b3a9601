package io.hartonomous.storage.engine.segments;

import io.hartonomous.kernels.OrdinalKernels;

/**
 * The packed component column of a composition segment, the same on every engine: one ordinal per position,
 * {@code width} bytes each (1-4, the fewest that hold the segment's largest ordinal), big-endian, so that T-SQL reads
 * ordinal i as {@code CAST(SUBSTRING(Ordinals, i * w + 1, w) AS INT)} without CLR (docs/decisions.md, "Positions in
 * segments"). The ordinals are pointers into a per-parent dictionary, not atom values.
 */
public final class PackedOrdinals {
    /** Positions per segment at most: an image row of up to 4,096 pixels, or a block of frames. */
    public static final int MAX_POSITIONS = 4096;

    private PackedOrdinals() {
    }

    /** The fewest bytes that hold {@code maxOrdinal}. */
    public static int widthFor(int maxOrdinal) {
        if (maxOrdinal < 0) {
            throw new IllegalArgumentException("negative ordinal " + maxOrdinal);
        }
        return maxOrdinal < 1 << 8 ? 1 : maxOrdinal < 1 << 16 ? 2 : maxOrdinal < 1 << 24 ? 3 : 4;
    }

    /** The fewest bytes that hold every ordinal of {@code ordinals[from, from + count)}. */
    public static int widthOf(int[] ordinals, int from, int count) {
        int max = 0;
        for (int i = from; i < from + count; i++) {
            if (ordinals[i] < 0) {
                throw new IllegalArgumentException("negative ordinal " + ordinals[i] + " at " + i);
            }
            max = Math.max(max, ordinals[i]);
        }
        return widthFor(max);
    }

    /** {@code ordinals[from, from + count)} packed {@code width} bytes each, with the SIMD kernel. */
    public static byte[] pack(int[] ordinals, int from, int count, int width) {
        byte[] out = new byte[count * width];
        OrdinalKernels.pack(ordinals, from, count, width, out, 0);
        return out;
    }

    /** Ordinals {@code from .. from + count - 1} of the column into {@code out[outFrom ..]}, with the SIMD kernel. */
    public static void unpack(byte[] packed, int width, int from, int count, int[] out, int outFrom) {
        OrdinalKernels.unpack(packed, width, from, count, out, outFrom);
    }

    /**
     * The column's first {@code count} ordinals, in {@code scratch} when it is large enough, else in a new array:
     * the array that holds them is returned (for loops that decode segment after segment into one buffer).
     */
    public static int[] unpackAll(byte[] packed, int width, int count, int[] scratch) {
        int[] into = scratch.length >= count ? scratch : new int[count];
        OrdinalKernels.unpack(packed, width, 0, count, into, 0);
        return into;
    }

    public static int ordinalAt(byte[] packed, int width, int i) {
        int p = i * width;
        int v = 0;
        for (int k = 0; k < width; k++) {
            v = v << 8 | packed[p + k] & 0xFF;
        }
        return v;
    }
}
