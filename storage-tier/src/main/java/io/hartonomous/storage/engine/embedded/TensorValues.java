package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.segments.PackedOrdinals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The values behind the ordinals a set of tensor segments uses, each looked up once in the model's dictionary (and
 * Atoms), and the segments decoded with them: into row-major canonical bytes ({@link #concatenate}) or per element.
 */
final class TensorValues {
    /** Largest ordinal for which slots are a flat table (16 MB); beyond it, a binary search over the used ones. */
    private static final int DENSE_LIMIT = 1 << 22;
    /** Ordinals looked up per statement (H2 arrays hold at most 65,536 elements). */
    static final int LOOKUP_SLICE = 32_768;

    private final int[] ordinals;
    private final int[] dense;
    private final String[] subtypes;
    private final byte[][] values;
    /** Every value's length when they are all the same, else -1. */
    private final int fixedLength;
    /** With a dense table and one length: value of ordinal o at [o * fixedLength, ...), copied without lookups. */
    private final byte[] flat;

    private TensorValues(int[] ordinals, String[] subtypes, byte[][] values) {
        this.ordinals = ordinals;
        this.subtypes = subtypes;
        this.values = values;
        int max = ordinals.length == 0 ? -1 : ordinals[ordinals.length - 1];
        if (max < DENSE_LIMIT) {
            dense = new int[max + 1];
            Arrays.fill(dense, -1);
            for (int i = 0; i < ordinals.length; i++) {
                dense[ordinals[i]] = i;
            }
        } else {
            dense = null;
        }
        int len = values.length == 0 ? 0 : values[0].length;
        for (byte[] v : values) {
            if (v.length != len) {
                len = -1;
                break;
            }
        }
        fixedLength = len;
        if (dense != null && len > 0 && (long) dense.length * len <= DENSE_LIMIT * 4L) {
            flat = new byte[dense.length * len];
            for (int i = 0; i < ordinals.length; i++) {
                System.arraycopy(values[i], 0, flat, ordinals[i] * len, len);
            }
        } else {
            flat = null;
        }
    }

    static TensorValues of(Connection c, long modelId, List<TensorSegmentStore.Segment> segments)
            throws SQLException {
        BitSet used = new BitSet();
        int[] segmentOrdinals = new int[PackedOrdinals.MAX_POSITIONS];
        for (TensorSegmentStore.Segment s : segments) {
            segmentOrdinals = PackedOrdinals.unpackAll(s.ordinals(), s.width(), s.count(), segmentOrdinals);
            for (int k = 0; k < s.count(); k++) {
                used.set(segmentOrdinals[k]);
            }
        }
        int[] ordinals = used.stream().toArray();
        String[] subtypes = new String[ordinals.length];
        byte[][] values = new byte[ordinals.length][];
        int found = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT d.Ordinal, a.Subtype, a.AtomicValue "
                + "FROM TABLE(O INT = ?) t JOIN TensorDictionary d ON d.ModelId = ? AND d.Ordinal = t.O "
                + "JOIN Atoms a ON a.AtomId = d.AtomId")) {
            ps.setFetchSize(Rows.BULK_FETCH);
            // H2 takes arrays of at most 65,536 elements: a tensor of f32 values can use more ordinals.
            for (int from = 0; from < ordinals.length; from += LOOKUP_SLICE) {
                int to = Math.min(ordinals.length, from + LOOKUP_SLICE);
                Integer[] asked = new Integer[to - from];
                for (int i = from; i < to; i++) {
                    asked[i - from] = ordinals[i];
                }
                ps.setObject(1, asked);
                ps.setLong(2, modelId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int i = Arrays.binarySearch(ordinals, rs.getInt(1));
                        subtypes[i] = rs.getString(2);
                        values[i] = rs.getBytes(3);
                        found++;
                    }
                }
            }
        }
        if (found != ordinals.length) {
            throw new SQLException("model " + modelId + " has segment ordinals its dictionary lacks");
        }
        return new TensorValues(ordinals, subtypes, values);
    }

    private int slot(int ordinal) {
        return dense != null ? dense[ordinal] : Arrays.binarySearch(ordinals, ordinal);
    }

    String subtype(int ordinal) {
        return subtypes[slot(ordinal)];
    }

    byte[] value(int ordinal) {
        return values[slot(ordinal)];
    }

    /** The segments' values one after another, in the order given (row-major when they are a tensor's). */
    byte[] concatenate(List<TensorSegmentStore.Segment> segments) {
        long total = 0;
        for (TensorSegmentStore.Segment s : segments) {
            if (fixedLength >= 0) {
                total += (long) s.count() * fixedLength;
            } else {
                for (int k = 0; k < s.count(); k++) {
                    total += value(s.ordinal(k)).length;
                }
            }
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("the tensor's values take " + total + " bytes, more than one array holds");
        }
        byte[] out = new byte[(int) total];
        int p = 0;
        int[] segmentOrdinals = new int[PackedOrdinals.MAX_POSITIONS];
        for (TensorSegmentStore.Segment s : segments) {
            segmentOrdinals = PackedOrdinals.unpackAll(s.ordinals(), s.width(), s.count(), segmentOrdinals);
            int n = s.count();
            if (flat != null) {
                int len = fixedLength;
                for (int k = 0; k < n; k++) {
                    int base = segmentOrdinals[k] * len;
                    for (int j = 0; j < len; j++) {
                        out[p++] = flat[base + j];
                    }
                }
                continue;
            }
            for (int k = 0; k < n; k++) {
                byte[] v = value(segmentOrdinals[k]);
                System.arraycopy(v, 0, out, p, v.length);
                p += v.length;
            }
        }
        return out;
    }
}
