package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.segments.PackedOrdinals;
import io.hartonomous.storage.engine.segments.SegmentLayout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes the first positions of a parent's composition segments inside the caller's transaction, for a deletion
 * batch: whole segments in key order, and the head of the next one when the budget ends inside it (the segment is
 * rewritten to start later), so a batch removes exactly as many positions as it may. The dictionary's Occurrences go
 * down by the positions removed (an entry no position uses any longer goes), and so does every atom's reference count
 * (through {@link AtomRelease}): the segments, the dictionary and the counts agree after every batch.
 */
final class SegmentRemoval {
    private final Connection c;
    private final long parentId;

    SegmentRemoval(Connection c, long parentId) {
        this.c = c;
        this.parentId = parentId;
    }

    /** Positions the parent's segments hold. */
    long positions() throws SQLException {
        return EmbeddedIngestWrites.countDistinct(c,
                "SELECT COALESCE(SUM(PositionCount), 0) FROM CompositionSegments WHERE ParentAtomId = ?", parentId);
    }

    /** Removes up to {@code budget} positions; returns how many (0: no segment left). */
    long removeFirst(long budget, AtomRelease release) throws SQLException {
        // Keys and sizes first (no packed column), so only the segments this batch needs are read in full.
        List<long[]> keys = new ArrayList<>();
        long covered = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT FirstSequence, PositionCount FROM CompositionSegments "
                + "WHERE ParentAtomId = ? ORDER BY ParentAtomId, FirstSequence FETCH FIRST ? ROWS ONLY")) {
            ps.setLong(1, parentId);
            ps.setLong(2, Math.min(budget, Integer.MAX_VALUE));
            try (ResultSet rs = ps.executeQuery()) {
                while (covered < budget && rs.next()) {
                    keys.add(new long[] {rs.getLong(1), rs.getInt(2)});
                    covered += rs.getInt(2);
                }
            }
        }
        if (keys.isEmpty()) {
            return 0;
        }
        Map<Integer, Long> removedPerOrdinal = new HashMap<>();
        long removed = 0;
        long firstKey = keys.getFirst()[0];
        long lastKey = keys.getLast()[0];
        int whole = 0;
        Trim trim = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT FirstSequence, PositionCount, Stride, ColumnMajor, "
                + "OrdinalWidth, Ordinals FROM CompositionSegments WHERE ParentAtomId = ? AND FirstSequence >= ? "
                + "AND FirstSequence <= ? ORDER BY ParentAtomId, FirstSequence")) {
            ps.setLong(1, parentId);
            ps.setLong(2, firstKey);
            ps.setLong(3, lastKey);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long first = rs.getLong(1);
                    int count = rs.getInt(2);
                    int width = rs.getInt(5);
                    byte[] packed = rs.getBytes(6);
                    int take = (int) Math.min(count, budget - removed);
                    for (int i = 0; i < take; i++) {
                        removedPerOrdinal.merge(PackedOrdinals.ordinalAt(packed, width, i), 1L, Long::sum);
                    }
                    removed += take;
                    if (take == count) {
                        whole++;
                    } else {
                        trim = new Trim(first, count, new SegmentLayout(rs.getLong(3), rs.getBoolean(4)), width,
                                packed, take);
                    }
                }
            }
        }
        if (whole > 0) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM CompositionSegments WHERE ParentAtomId = ? "
                    + "AND FirstSequence >= ? AND FirstSequence <= ?")) {
                ps.setLong(1, parentId);
                ps.setLong(2, firstKey);
                ps.setLong(3, whole == keys.size() ? lastKey : keys.get(whole - 1)[0]);
                if (ps.executeUpdate() != whole) {
                    throw new SQLException("the segments of parent " + parentId + " changed during their removal");
                }
            }
        }
        if (trim != null) {
            trimHead(trim);
        }
        releaseOrdinals(removedPerOrdinal, release);
        return removed;
    }

    /** The segment the budget ends inside: it keeps its positions from {@code take} on. */
    private record Trim(long first, int count, SegmentLayout layout, int width, byte[] packed, int take) {
    }

    /** The trimmed segment starts later, with its extent recomputed. */
    private void trimHead(Trim t) throws SQLException {
        long first = t.first();
        int count = t.count();
        int take = t.take();
        int width = t.width();
        SegmentLayout layout = t.layout();
        long start = first + take;
        int left = count - take;
        SegmentLayout.Extent e = layout.extent(start, left);
        try (PreparedStatement ps = c.prepareStatement("UPDATE CompositionSegments SET FirstSequence = ?, "
                + "PositionCount = ?, MinX = ?, MaxX = ?, MinY = ?, MaxY = ?, Ordinals = ? "
                + "WHERE ParentAtomId = ? AND FirstSequence = ?")) {
            ps.setLong(1, start);
            ps.setInt(2, left);
            ps.setLong(3, e.minX());
            ps.setLong(4, e.maxX());
            ps.setLong(5, e.minY());
            ps.setLong(6, e.maxY());
            ps.setBytes(7, Arrays.copyOfRange(t.packed(), take * width, count * width));
            ps.setLong(8, parentId);
            ps.setLong(9, first);
            ps.executeUpdate();
        }
    }

    /** The dictionary entries lose the removed occurrences (entries left with none go); the atoms lose as many. */
    private void releaseOrdinals(Map<Integer, Long> removedPerOrdinal, AtomRelease release) throws SQLException {
        SegmentDictionary dictionary = SegmentDictionary.composition(c, parentId);
        Map<Integer, Long> negative = new HashMap<>();
        for (Map.Entry<Integer, Long> e : dictionary.atomIds(removedPerOrdinal.keySet()).entrySet()) {
            long n = removedPerOrdinal.get(e.getKey());
            release.add(e.getValue(), n);
            negative.put(e.getKey(), -n);
        }
        dictionary.adjust(negative);
    }
}
