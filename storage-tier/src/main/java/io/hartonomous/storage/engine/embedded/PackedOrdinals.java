package io.hartonomous.storage.engine.embedded;

/**
 * The packed component column of a composition segment: one ordinal into the parent's dictionary per position,
 * {@code width} bytes each (1-4, the fewest that hold the segment's largest ordinal), big-endian, so that T-SQL reads
 * ordinal i as {@code CAST(SUBSTRING(Ordinals, i * w + 1, w) AS INT)} without CLR (docs/decisions.md).
 */
final class PackedOrdinals {
    /** Positions per segment at most: an image row of up to 4,096 pixels, or a block of frames. */
    static final int MAX_POSITIONS = 4096;

    private PackedOrdinals() {
    }

    static int widthFor(int maxOrdinal) {
        if (maxOrdinal < 0) {
            throw new IllegalArgumentException("negative ordinal " + maxOrdinal);
        }
        return maxOrdinal < 1 << 8 ? 1 : maxOrdinal < 1 << 16 ? 2 : maxOrdinal < 1 << 24 ? 3 : 4;
    }

    static byte[] pack(int[] ordinals, int from, int count, int width) {
        byte[] out = new byte[count * width];
        int p = 0;
        for (int i = from; i < from + count; i++) {
            int v = ordinals[i];
            for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
                out[p++] = (byte) (v >>> shift);
            }
        }
        return out;
    }

    static int ordinalAt(byte[] packed, int width, int i) {
        int p = i * width;
        int v = 0;
        for (int k = 0; k < width; k++) {
            v = v << 8 | packed[p + k] & 0xFF;
        }
        return v;
    }
}
