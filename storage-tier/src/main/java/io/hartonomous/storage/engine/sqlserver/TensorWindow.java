package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.engine.segments.SegmentLayout;
import io.hartonomous.storage.engine.segments.StoredSegment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One window of a tensor as dbo.sp_GetTensorWindow returns it (sql/072): the segment versions that reach into
 * [from, end) and the values of the dictionary entries their elements there use, decoded here into those elements'
 * values, one after another in element order (gaps, elements no version holds, are skipped). A tensor segment is a
 * stored segment of stride 1: its sequence index is the element index.
 *
 * @param next the first stored element at or after the window's end, or null when there is none
 */
record TensorWindow(List<StoredSegment> segments, int[] ordinals, byte[][] values, long from, long end, Long next) {
    /** Elements per procedure call: sixteen blocks of 4,096, so an aligned window holds whole segments. */
    static final int ELEMENTS = 65_536;
    private static final SegmentLayout ELEMENT_ORDER = new SegmentLayout(1, false);

    /** The window of the call's result sets: segments, dictionary entries, next element, in that order. */
    static TensorWindow read(ProcedureCall call, long from, long end) throws SQLException {
        List<StoredSegment> segments = new ArrayList<>();
        try (ResultSet rs = call.first()) {
            while (rs != null && rs.next()) {
                segments.add(new StoredSegment(rs.getLong("FirstIndex"), rs.getInt("PositionCount"), ELEMENT_ORDER,
                        rs.getInt("OrdinalWidth"), rs.getBytes("Ordinals")));
            }
        }
        // In ordinal order, as the procedure sorts them.
        List<Integer> ordinals = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        try (ResultSet rs = call.nextResultSet()) {
            while (rs != null && rs.next()) {
                ordinals.add(rs.getInt("Ordinal"));
                values.add(rs.getBytes("AtomicValue"));
            }
        }
        Long next = null;
        try (ResultSet rs = call.nextResultSet()) {
            if (rs != null && rs.next()) {
                long v = rs.getLong("NextIndex");
                next = rs.wasNull() ? null : v;
            }
        }
        call.drain();
        return new TensorWindow(segments, ordinals.stream().mapToInt(Integer::intValue).toArray(),
                values.toArray(new byte[0][]), from, end, next);
    }

    /**
     * The window's values in element order. Each used value is looked up once into a table by ordinal (dense when
     * the ordinals are, else a binary search over the sorted ones), then copied per element.
     */
    byte[] bytes() {
        int max = ordinals.length == 0 ? -1 : ordinals[ordinals.length - 1];
        byte[][] byOrdinal = null;
        if (max < Math.max(1 << 16, 8 * ordinals.length)) {
            byOrdinal = new byte[max + 1][];
            for (int i = 0; i < ordinals.length; i++) {
                byOrdinal[ordinals[i]] = values[i];
            }
        }
        long total = 0;
        for (StoredSegment s : segments) {
            for (long e = Math.max(s.firstSequence(), from); e < Math.min(s.end(), end); e++) {
                total += value(byOrdinal, s, e).length;
            }
        }
        byte[] out = new byte[Math.toIntExact(total)];
        int p = 0;
        for (StoredSegment s : segments) {
            for (long e = Math.max(s.firstSequence(), from); e < Math.min(s.end(), end); e++) {
                byte[] v = value(byOrdinal, s, e);
                System.arraycopy(v, 0, out, p, v.length);
                p += v.length;
            }
        }
        return out;
    }

    private byte[] value(byte[][] byOrdinal, StoredSegment s, long element) {
        int ordinal = s.ordinal(element);
        byte[] v = null;
        if (byOrdinal != null) {
            v = ordinal < byOrdinal.length ? byOrdinal[ordinal] : null;
        } else {
            int i = Arrays.binarySearch(ordinals, ordinal);
            v = i >= 0 ? values[i] : null;
        }
        if (v == null) {
            throw new IllegalStateException("tensor segment at " + s.firstSequence() + " names dictionary ordinal "
                    + ordinal + ", which the model's dictionary lacks");
        }
        return v;
    }
}
