package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.segments.PackedOrdinals;
import io.hartonomous.storage.engine.segments.SegmentLayout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads a parent's positions from its segments (decoded here) and from the row table beside them, merged in
 * sequence order. Each read covers a bounded range of sequence indexes, so it touches only the segments of that
 * range; gaps are skipped by asking for the next stored sequence.
 */
final class SegmentReader {
    /*
     * Both walk their primary key in order (EmbeddedQueryPlanTest). A segment starting up to MAX_POSITIONS - 1 before
     * the range can still reach into it.
     */
    static final String SEGMENTS_IN_RANGE = "SELECT FirstSequence, PositionCount, Stride, ColumnMajor, OrdinalWidth, "
            + "Ordinals FROM CompositionSegments WHERE ParentAtomId = ? AND FirstSequence > ? AND FirstSequence < ? "
            + "ORDER BY ParentAtomId, FirstSequence";
    static final String ROWS_IN_RANGE = "SELECT SequenceIndex, PositionX, PositionY, ComponentAtomId "
            + "FROM AtomCompositionRows WHERE ParentAtomId = ? AND SequenceIndex >= ? AND SequenceIndex < ? "
            + "ORDER BY ParentAtomId, SequenceIndex";

    /** Positions in sequence order, columnar; {@code ordinal} is the dictionary ordinal, or -1 for a row's position. */
    record Window(int size, long[] sequence, long[] x, long[] y, long[] atomId, int[] ordinal) {
        long last() {
            return sequence[size - 1];
        }
    }

    private final Connection c;
    private final long parentId;
    private final OrdinalMemo<?> memo;

    /** @param memo what earlier windows of the same read resolved (an entry's ordinal never changes) */
    SegmentReader(Connection c, long parentId, OrdinalMemo<?> memo) {
        this.c = c;
        this.parentId = parentId;
        this.memo = memo;
    }

    /** Up to {@code limit} stored positions at or after {@code from}. */
    Window read(long from, int limit) throws SQLException {
        long[] seq = new long[limit];
        long[] x = new long[limit];
        long[] y = new long[limit];
        long[] atom = new long[limit];
        int[] ordinal = new int[limit];
        boolean[] fromSegment = new boolean[limit];
        int size = 0;
        long cursor = from;
        while (size < limit && cursor >= 0) {
            long end = cursor + (limit - size);
            if (end < cursor) {
                end = Long.MAX_VALUE;
            }
            int start = size;
            try (PreparedStatement ps = c.prepareStatement(SEGMENTS_IN_RANGE)) {
                ps.setFetchSize(Rows.BULK_FETCH);
                ps.setLong(1, parentId);
                ps.setLong(2, cursor - PackedOrdinals.MAX_POSITIONS);
                ps.setLong(3, end);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long first = rs.getLong(1);
                        int count = rs.getInt(2);
                        SegmentLayout layout = new SegmentLayout(rs.getLong(3), rs.getBoolean(4));
                        int width = rs.getInt(5);
                        byte[] packed = rs.getBytes(6);
                        long lo = Math.max(first, cursor);
                        long hi = Math.min(first + count, end);
                        if (hi <= lo) {
                            continue; // a segment that ends before the cursor (the range starts a segment early)
                        }
                        PackedOrdinals.unpack(packed, width, (int) (lo - first), (int) (hi - lo), ordinal, size);
                        for (long s = lo; s < hi; s++) {
                            seq[size] = s;
                            x[size] = layout.x(s);
                            y[size] = layout.y(s);
                            fromSegment[size++] = true;
                        }
                    }
                }
            }
            int segmentsEnd = size;
            try (PreparedStatement ps = c.prepareStatement(ROWS_IN_RANGE)) {
                ps.setFetchSize(Rows.BULK_FETCH);
                ps.setLong(1, parentId);
                ps.setLong(2, cursor);
                ps.setLong(3, end);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seq[size] = rs.getLong(1);
                        x[size] = rs.getLong(2);
                        y[size] = rs.getLong(3);
                        ordinal[size] = -1;
                        atom[size++] = rs.getLong(4);
                    }
                }
            }
            if (segmentsEnd > start && size > segmentsEnd) {
                mergeInPlace(start, segmentsEnd, size, seq, x, y, atom, ordinal, fromSegment);
            }
            if (size >= limit || end == Long.MAX_VALUE) {
                break;
            }
            cursor = nextStored(end);
        }
        resolveOrdinals(size, atom, ordinal, fromSegment);
        return new Window(size, seq, x, y, atom, ordinal);
    }

    /** The first stored sequence at or after {@code at}, or -1. */
    private long nextStored(long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM CompositionSegments WHERE ParentAtomId = ? "
                + "AND FirstSequence > ? AND FirstSequence < ? AND FirstSequence + PositionCount > ? LIMIT 1")) {
            ps.setLong(1, parentId);
            ps.setLong(2, at - PackedOrdinals.MAX_POSITIONS);
            ps.setLong(3, at);
            ps.setLong(4, at);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return at; // a segment reaches across the end of the last range
                }
            }
        }
        long next = -1;
        for (String sql : new String[] {
                "SELECT MIN(FirstSequence) FROM CompositionSegments WHERE ParentAtomId = ? AND FirstSequence >= ?",
                "SELECT MIN(SequenceIndex) FROM AtomCompositionRows WHERE ParentAtomId = ? AND SequenceIndex >= ?"}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, parentId);
                ps.setLong(2, at);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long v = rs.getLong(1);
                    if (!rs.wasNull() && (next < 0 || v < next)) {
                        next = v;
                    }
                }
            }
        }
        return next;
    }

    /** Both parts are sorted and disjoint; a rare case (legacy rows beside segments), so a plain index sort. */
    private static void mergeInPlace(int start, int mid, int end, long[] seq, long[] x, long[] y, long[] atom,
                                     int[] ordinal, boolean[] fromSegment) {
        Integer[] order = new Integer[end - start];
        for (int i = 0; i < order.length; i++) {
            order[i] = start + i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(seq[a], seq[b]));
        long[] s2 = seq.clone(), x2 = x.clone(), y2 = y.clone(), a2 = atom.clone();
        int[] o2 = ordinal.clone();
        boolean[] f2 = fromSegment.clone();
        for (int i = 0; i < order.length; i++) {
            int from = order[i];
            seq[start + i] = s2[from];
            x[start + i] = x2[from];
            y[start + i] = y2[from];
            atom[start + i] = a2[from];
            ordinal[start + i] = o2[from];
            fromSegment[start + i] = f2[from];
        }
    }

    /**
     * Dictionary ordinals to atom ids: those the memo lacks (each distinct one once) in one lookup; an ordinal past
     * the memo's bound is looked up for this window only.
     */
    private void resolveOrdinals(int size, long[] atom, int[] ordinal, boolean[] fromSegment) throws SQLException {
        Set<Integer> missing = new HashSet<>();
        for (int i = 0; i < size; i++) {
            if (fromSegment[i]) {
                long id = memo.atomId(ordinal[i]);
                if (id == 0) {
                    missing.add(ordinal[i]);
                } else {
                    atom[i] = id;
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Map<Integer, Long> found = new HashMap<>();
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int o : missing) {
            min = Math.min(min, o);
            max = Math.max(max, o);
        }
        if (missing.size() >= (max - (long) min + 1) / 2) {
            // Dense (a file's ordinals follow first appearance, so a window's new ones are mostly a run): one range
            // of the dictionary's key instead of a lookup per ordinal.
            try (PreparedStatement ps = c.prepareStatement("SELECT Ordinal, AtomId FROM CompositionDictionary "
                    + "WHERE ParentAtomId = ? AND Ordinal BETWEEN ? AND ? ORDER BY ParentAtomId, Ordinal")) {
                ps.setFetchSize(Rows.BULK_FETCH);
                ps.setLong(1, parentId);
                ps.setInt(2, min);
                ps.setInt(3, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        learn(rs.getInt(1), rs.getLong(2), missing, found);
                    }
                }
            }
        } else {
            Integer[] wanted = missing.toArray(new Integer[0]);
            try (PreparedStatement ps = c.prepareStatement("SELECT d.Ordinal, d.AtomId FROM TABLE(O INT = ?) t "
                    + "JOIN CompositionDictionary d ON d.ParentAtomId = ? AND d.Ordinal = t.O")) {
                ps.setFetchSize(Rows.BULK_FETCH);
                ps.setLong(2, parentId);
                ArrayPieces.each(wanted.length, (from, to) -> {
                    ps.setObject(1, Arrays.copyOfRange(wanted, from, to));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            learn(rs.getInt(1), rs.getLong(2), missing, found);
                        }
                    }
                });
            }
        }
        for (int i = 0; i < size; i++) {
            if (fromSegment[i] && atom[i] == 0) {
                Long id = found.get(ordinal[i]);
                if (id == null) {
                    throw new SQLException("atom " + parentId + " has segment ordinal " + ordinal[i]
                            + " that its dictionary lacks");
                }
                atom[i] = id;
            }
        }
    }

    private void learn(int ordinal, long atomId, Set<Integer> missing, Map<Integer, Long> found) {
        memo.atomId(ordinal, atomId);
        if (missing.contains(ordinal)) {
            found.put(ordinal, atomId);
        }
    }
}
