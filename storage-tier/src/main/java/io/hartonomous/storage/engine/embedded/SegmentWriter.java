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
     * ({@link SegmentDictionary#firstAppearances}): which atoms the parent held already is in the result. References
     * beyond those of atoms the chunk created wait for the job's completion ({@link OccurrenceSettlement}).
     *
     * @param plan         the rows' plan ({@link SegmentPlan#of}, not null)
     * @param atomIds      the rows' atom ids by chunk ordinal
     * @param knownOrdinal per chunk ordinal, the parent's ordinal of that atom when the caller knows it, else -1
     * @param created      per chunk ordinal, whether the chunk inserted that atom
     */
    SegmentDictionary.Entries writeRunning(SegmentPlan plan, CompositionBatch rows, long[] atomIds,
                                           int[] knownOrdinal, boolean[] created) throws SQLException {
        requireFree(plan);
        SegmentDictionary.Entries entries = SegmentDictionary.composition(c, parentId)
                .firstAppearances(atomIds, occurrences(rows, atomIds), knownOrdinal, created);
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

    /** One statement per piece of arrays, not a batch: over H2's TCP server a batch costs a round trip per row. */
    private void insertSegments(SegmentPlan plan, int[] byChunkOrdinal) throws SQLException {
        int[] ordinals = plan.rowOrdinals(byChunkOrdinal);
        SegmentLayout layout = plan.layout();
        int runs = plan.segments();
        Long[] first = new Long[runs];
        Integer[] count = new Integer[runs];
        Long[] minX = new Long[runs];
        Long[] maxX = new Long[runs];
        Long[] minY = new Long[runs];
        Long[] maxY = new Long[runs];
        Integer[] width = new Integer[runs];
        byte[][] packed = new byte[runs][];
        for (int r = 0; r < runs; r++) {
            SegmentLayout.Extent e = plan.extent(r);
            first[r] = plan.firstSequence(r);
            count[r] = plan.positions(r);
            minX[r] = e.minX();
            maxX[r] = e.maxX();
            minY[r] = e.minY();
            maxY[r] = e.maxY();
            width[r] = plan.width(r, ordinals);
            packed[r] = plan.pack(r, ordinals, width[r]);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO CompositionSegments (ParentAtomId, FirstSequence, "
                + "PositionCount, Stride, ColumnMajor, MinX, MaxX, MinY, MaxY, OrdinalWidth, Ordinals) "
                + "SELECT CAST(?1 AS BIGINT), t.F, t.N, CAST(?2 AS BIGINT), CAST(?3 AS BOOLEAN), t.X0, t.X1, t.Y0, "
                + "t.Y1, t.W, t.O FROM TABLE(F BIGINT = ?4, N INT = ?5, X0 BIGINT = ?6, X1 BIGINT = ?7, "
                + "Y0 BIGINT = ?8, Y1 BIGINT = ?9, W TINYINT = ?10, O VARBINARY(16384) = ?11) t")) {
            ps.setLong(1, parentId);
            ps.setLong(2, layout.stride());
            ps.setBoolean(3, layout.columnMajor());
            ArrayPieces.each(runs, (from, to) -> {
                ps.setObject(4, Arrays.copyOfRange(first, from, to));
                ps.setObject(5, Arrays.copyOfRange(count, from, to));
                ps.setObject(6, Arrays.copyOfRange(minX, from, to));
                ps.setObject(7, Arrays.copyOfRange(maxX, from, to));
                ps.setObject(8, Arrays.copyOfRange(minY, from, to));
                ps.setObject(9, Arrays.copyOfRange(maxY, from, to));
                ps.setObject(10, Arrays.copyOfRange(width, from, to));
                ps.setObject(11, Arrays.copyOfRange(packed, from, to));
                insertOnce(ps);
            });
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

    /** Runs an insert whose key is a position: a key that is already there is a repeated position. */
    private static void insertOnce(PreparedStatement ps) throws SQLException {
        try {
            ps.executeUpdate();
        } catch (SQLException e) {
            if (H2Errors.isUniqueViolation(e)) {
                throw repeated();
            }
            throw e;
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
                insertOnce(ps);
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
