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

    /**
     * Writes the rows with every dictionary entry exact at once (the row migration).
     *
     * @param atomIds the rows' atom ids by chunk ordinal
     */
    void write(CompositionBatch rows, long[] atomIds) throws SQLException {
        if (rows.size() == 0) {
            return;
        }
        SegmentPlan plan = SegmentPlan.of(rows);
        if (plan == null) {
            insertRows(rows, atomIds);
            return;
        }
        requireFree(plan);
        insertSegments(plan, SegmentDictionary.composition(c, parentId).add(atomIds, occurrences(rows, atomIds)));
    }

    /**
     * Writes a running job's chunk as segments, giving dictionary entries only to atoms new to the parent
     * ({@link SegmentDictionary#firstAppearances}): which atoms the parent held already is in the result, so the
     * caller adds no references for them until the job completes ({@link OccurrenceSettlement}).
     *
     * @param plan         the rows' plan ({@link SegmentPlan#of}, not null)
     * @param atomIds      the rows' atom ids by chunk ordinal
     * @param knownOrdinal per chunk ordinal, the parent's ordinal of that atom when the caller knows it, else -1
     */
    SegmentDictionary.Entries writeRunning(SegmentPlan plan, CompositionBatch rows, long[] atomIds,
                                           int[] knownOrdinal) throws SQLException {
        requireFree(plan);
        SegmentDictionary.Entries entries = SegmentDictionary.composition(c, parentId)
                .firstAppearances(atomIds, occurrences(rows, atomIds), knownOrdinal);
        insertSegments(plan, entries.ordinal());
        return entries;
    }

    /** Rows that are not segments go to the row table, each counted when it is written. */
    void writeRows(CompositionBatch rows, long[] atomIds) throws SQLException {
        if (rows.size() > 0) {
            insertRows(rows, atomIds);
        }
    }

    private void requireFree(SegmentPlan plan) throws SQLException {
        if (plan.overlapsItself()) {
            throw repeated();
        }
        requireNoStored(plan);
    }

    private void insertSegments(SegmentPlan plan, int[] byChunkOrdinal) throws SQLException {
        int[] ordinals = plan.rowOrdinals(byChunkOrdinal);
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

    /** How many of the rows hold each chunk ordinal. */
    private static long[] occurrences(CompositionBatch rows, long[] atomIds) {
        long[] occurrences = new long[atomIds.length];
        for (int i = 0; i < rows.size(); i++) {
            occurrences[rows.atomOrdinal()[i]]++;
        }
        return occurrences;
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
            ps.setLong(3, parentId);
            ps.setLong(4, parentId);
            ArrayPieces.each(runs, (from, to) -> {
                ps.setObject(1, Arrays.copyOfRange(first, from, to));
                ps.setObject(2, Arrays.copyOfRange(last, from, to));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw repeated();
                    }
                }
            });
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
            ArrayPieces.each(n, (from, to) -> {
                ps.setObject(2, Arrays.copyOfRange(component, from, to));
                ps.setObject(3, Arrays.copyOfRange(sequence, from, to));
                ps.setObject(4, Arrays.copyOfRange(x, from, to));
                ps.setObject(5, Arrays.copyOfRange(y, from, to));
                try {
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (H2Errors.isUniqueViolation(e)) {
                        throw repeated();
                    }
                    throw e;
                }
            });
            // Rows cannot collide with segments through the row table's key; check explicitly.
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM TABLE(S BIGINT = ?) r WHERE EXISTS (SELECT 1 "
                + "FROM CompositionSegments s WHERE s.ParentAtomId = ? AND s.FirstSequence > r.S - "
                + PackedOrdinals.MAX_POSITIONS + " AND s.FirstSequence <= r.S "
                + "AND s.FirstSequence + s.PositionCount > r.S) LIMIT 1")) {
            ps.setLong(2, parentId);
            ArrayPieces.each(n, (from, to) -> {
                ps.setObject(1, Arrays.copyOfRange(sequence, from, to));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw repeated();
                    }
                }
            });
        }
    }
}
