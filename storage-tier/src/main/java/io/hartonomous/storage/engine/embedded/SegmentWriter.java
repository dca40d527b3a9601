package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.engine.segments.PackedOrdinals;
import io.hartonomous.storage.engine.segments.SegmentLayout;
import io.hartonomous.storage.engine.segments.SegmentPlan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

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
        SegmentPlan plan = SegmentPlan.of(rows);
        if (plan == null) {
            insertRows(rows, atomIds);
            return;
        }
        if (plan.overlapsItself()) {
            throw repeated();
        }
        requireNoStored(plan);
        int[] ordinals = plan.rowOrdinals(dictionary(rows, atomIds));
        SegmentLayout layout = plan.layout();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO CompositionSegments (ParentAtomId, FirstSequence, "
                + "PositionCount, Stride, ColumnMajor, MinX, MaxX, MinY, MaxY, OrdinalWidth, Ordinals) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int r = 0; r < plan.segments(); r++) {
                SegmentLayout.Extent e = plan.extent(r);
                int width = plan.width(r, ordinals);
                ps.setLong(1, parentId);
                ps.setLong(2, plan.firstSequence(r));
                ps.setInt(3, plan.positions(r));
                ps.setLong(4, layout.stride());
                ps.setBoolean(5, layout.columnMajor());
                ps.setLong(6, e.minX());
                ps.setLong(7, e.maxX());
                ps.setLong(8, e.minY());
                ps.setLong(9, e.maxY());
                ps.setInt(10, width);
                ps.setBytes(11, plan.pack(r, ordinals, width));
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

    /** A position may be stored once: the plan's segments must not overlap stored segments or stored rows. */
    private void requireNoStored(SegmentPlan plan) throws SQLException {
        int runs = plan.segments();
        Long[] first = new Long[runs];
        Long[] last = new Long[runs];
        for (int r = 0; r < runs; r++) {
            first[r] = plan.firstSequence(r);
            last[r] = first[r] + plan.positions(r) - 1;
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
