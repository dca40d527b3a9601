package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.ingest.CompositionBatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Writes a chunk's composition rows as segments plus the parent's dictionary, inside the chunk's transaction: one
 * segment row per run of at most {@link PackedOrdinals#MAX_POSITIONS} consecutive sequence indexes, instead of a row
 * (and index entries) per position. Chunks of one parent are serialised by the job lock, so assigning the next
 * dictionary ordinals needs no further locking.
 */
final class SegmentWriter {
    private final Connection c;
    private final long parentId;

    SegmentWriter(Connection c, long parentId) {
        this.c = c;
        this.parentId = parentId;
    }

    /** @param atomIds the chunk's atom ids by chunk ordinal */
    void write(CompositionBatch rows, long[] atomIds) throws SQLException {
        int n = rows.size();
        if (n == 0) {
            return;
        }
        SegmentLayout layout = SegmentLayout.of(rows);
        if (layout == null) {
            insertRows(rows, atomIds);
            return;
        }
        int[] parentOrdinal = dictionary(rows, atomIds);
        int[] ordinals = new int[n];
        for (int i = 0; i < n; i++) {
            ordinals[i] = parentOrdinal[rows.atomOrdinal()[i]];
        }
        long[] seq = rows.sequenceIndex();
        int runs = 0;
        int[] runStart = new int[n];
        int[] runLength = new int[n];
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && j - i < PackedOrdinals.MAX_POSITIONS && seq[j] == seq[j - 1] + 1) {
                j++;
            }
            runStart[runs] = i;
            runLength[runs++] = j - i;
            i = j;
        }
        requireNoOverlap(seq, runStart, runLength, runs);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO CompositionSegments (ParentAtomId, FirstSequence, "
                + "PositionCount, Stride, ColumnMajor, MinX, MaxX, MinY, MaxY, OrdinalWidth, Ordinals) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int r = 0; r < runs; r++) {
                int from = runStart[r];
                int count = runLength[r];
                int max = 0;
                long minX = Long.MAX_VALUE, maxX = Long.MIN_VALUE, minY = Long.MAX_VALUE, maxY = Long.MIN_VALUE;
                for (int i = from; i < from + count; i++) {
                    max = Math.max(max, ordinals[i]);
                    minX = Math.min(minX, rows.positionX()[i]);
                    maxX = Math.max(maxX, rows.positionX()[i]);
                    minY = Math.min(minY, rows.positionY()[i]);
                    maxY = Math.max(maxY, rows.positionY()[i]);
                }
                int width = PackedOrdinals.widthFor(max);
                ps.setLong(1, parentId);
                ps.setLong(2, seq[from]);
                ps.setInt(3, count);
                ps.setLong(4, layout.stride());
                ps.setBoolean(5, layout.columnMajor());
                ps.setLong(6, minX);
                ps.setLong(7, maxX);
                ps.setLong(8, minY);
                ps.setLong(9, maxY);
                ps.setInt(10, width);
                ps.setBytes(11, PackedOrdinals.pack(ordinals, from, count, width));
                ps.addBatch();
            }
            try {
                ps.executeBatch();
            } catch (SQLException e) {
                if (H2Errors.isUniqueViolation(e)) {
                    throw repeated();
                }
                throw e;
            }
        }
    }

    /** The parent ordinal of every chunk ordinal the rows use (the dictionary gains the chunk's occurrences). */
    private int[] dictionary(CompositionBatch rows, long[] atomIds) throws SQLException {
        long[] occurrences = new long[atomIds.length];
        for (int i = 0; i < rows.size(); i++) {
            occurrences[rows.atomOrdinal()[i]]++;
        }
        return SegmentDictionary.composition(c, parentId).add(atomIds, occurrences);
    }

    /** A position may be stored once: runs must not overlap each other, stored segments or stored rows. */
    private void requireNoOverlap(long[] seq, int[] runStart, int[] runLength, int runs) throws SQLException {
        long[][] spans = new long[runs][];
        Long[] first = new Long[runs];
        Long[] last = new Long[runs];
        for (int r = 0; r < runs; r++) {
            spans[r] = new long[] {seq[runStart[r]], seq[runStart[r]] + runLength[r] - 1};
            first[r] = spans[r][0];
            last[r] = spans[r][1];
        }
        Arrays.sort(spans, (a, b) -> Long.compare(a[0], b[0]));
        for (int r = 1; r < runs; r++) {
            if (spans[r][0] <= spans[r - 1][1]) {
                throw repeated();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM TABLE(F BIGINT = ?, L BIGINT = ?) r "
                + "WHERE EXISTS (SELECT 1 FROM CompositionSegments s WHERE s.ParentAtomId = ? "
                + "AND s.FirstSequence > r.F - " + PackedOrdinals.MAX_POSITIONS + " AND s.FirstSequence <= r.L "
                + "AND s.FirstSequence + s.PositionCount > r.F) "
                + "OR EXISTS (SELECT 1 FROM AtomCompositionRows o WHERE o.ParentAtomId = ? "
                + "AND o.SequenceIndex BETWEEN r.F AND r.L) LIMIT 1")) {
            ps.setObject(1, first);
            ps.setObject(2, last);
            ps.setLong(3, parentId);
            ps.setLong(4, parentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw repeated();
                }
            }
        }
    }

    private static ConflictException repeated() {
        return new ConflictException("a composition row repeats a position that is already stored");
    }

    /** Rows that follow no segment layout, one row each, as before segments. */
    private void insertRows(CompositionBatch rows, long[] atomIds) throws SQLException {
        int n = rows.size();
        Long[] component = new Long[n];
        Long[] sequence = new Long[n];
        Long[] x = new Long[n];
        Long[] y = new Long[n];
        for (int i = 0; i < n; i++) {
            component[i] = atomIds[rows.atomOrdinal()[i]];
            sequence[i] = rows.sequenceIndex()[i];
            x[i] = rows.positionX()[i];
            y[i] = rows.positionY()[i];
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO AtomCompositionRows (ParentAtomId, "
                + "ComponentAtomId, SequenceIndex, PositionX, PositionY) SELECT CAST(? AS BIGINT), t.C, t.S, t.X, t.Y "
                + "FROM TABLE(C BIGINT = ?, S BIGINT = ?, X BIGINT = ?, Y BIGINT = ?) t")) {
            ps.setLong(1, parentId);
            ps.setObject(2, component);
            ps.setObject(3, sequence);
            ps.setObject(4, x);
            ps.setObject(5, y);
            try {
                ps.executeUpdate();
            } catch (SQLException e) {
                if (H2Errors.isUniqueViolation(e)) {
                    throw repeated();
                }
                throw e;
            }
            // Rows cannot collide with segments through the row table's key; check explicitly.
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM TABLE(S BIGINT = ?) r WHERE EXISTS (SELECT 1 "
                + "FROM CompositionSegments s WHERE s.ParentAtomId = ? AND s.FirstSequence > r.S - "
                + PackedOrdinals.MAX_POSITIONS + " AND s.FirstSequence <= r.S "
                + "AND s.FirstSequence + s.PositionCount > r.S) LIMIT 1")) {
            ps.setObject(1, sequence);
            ps.setLong(2, parentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw repeated();
                }
            }
        }
    }
}
