package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;
import io.hartonomous.storage.engine.segments.PackedOrdinals;
import io.hartonomous.storage.engine.segments.SegmentLayout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the composition rows a database holds one per position (written before segments, renamed to
 * AtomCompositionRows by embedded/140) into segments, the embedded twin of sql/079's dbo.sp_MigrateCompositionRows:
 * one batch is at most {@code maxPositions} rows of one parent from a cursor on, in ONE transaction; each run of
 * consecutive sequence indexes among them (at most 4,096, cut where the batch ends) that follows a row- or
 * column-major layout is written by {@link SegmentWriter} (atoms new to the parent's dictionary numbered on in order
 * of first appearance, Occurrences gaining the run's positions) and its rows are deleted. ReferenceCount does not
 * change: the same positions point at the same atoms. Runs that follow no layout stay rows.
 * Idempotent and resumable: converted rows are gone, so a run that stopped part-way (the engine closed or crashed)
 * converts what is left when the engine next opens, and passes over what follows no layout again.
 * A parent with a RUNNING ingestion or deletion job is passed over: its writer owns the dictionary.
 */
final class CompositionRowMigration {
    /** Positions per batch: bounded memory and transaction size whatever a parent holds. */
    static final int BATCH_POSITIONS = 65_536;

    /**
     * Where the next batch starts: at {@code fromSequence} of {@code parent}, or (fromSequence null) at the first
     * parent after {@code parent}.
     */
    record Cursor(long parent, Long fromSequence) {
        static final Cursor START = new Cursor(Long.MIN_VALUE, null);
    }

    /** One batch's outcome: the cursor past it (null: no rows are left after it) and the positions it converted. */
    record Step(Cursor next, long converted) {
    }

    private final Connection c;
    private final int maxPositions;

    CompositionRowMigration(Connection c, int maxPositions) {
        if (maxPositions < 1) {
            throw new IllegalArgumentException("a batch holds at least one position, not " + maxPositions);
        }
        this.c = c;
        this.maxPositions = maxPositions;
    }

    /** Every batch from the start; the positions converted. */
    long runToEnd() throws SQLException {
        long converted = 0;
        Cursor at = Cursor.START;
        while (at != null) {
            Step step = batch(at);
            converted += step.converted();
            at = step.next();
        }
        return converted;
    }

    /** One batch from {@code at}, committed (or rolled back whole on failure). */
    Step batch(Cursor at) throws SQLException {
        return UnitOfWork.inOneTransaction(c, connection -> convert(at));
    }

    private Step convert(Cursor at) throws SQLException {
        long parent;
        long from;
        if (at.fromSequence() != null && hasRowsFrom(at.parent(), at.fromSequence())) {
            parent = at.parent();
            from = at.fromSequence();
        } else {
            Long next = nextParent(at.parent());
            if (next == null) {
                return new Step(null, 0);
            }
            parent = next;
            from = Long.MIN_VALUE;
        }
        // Locking the parent's atom row keeps a new job from starting on it between the check and the commit.
        lockAtom(parent);
        if (hasRunningJob(parent)) {
            return new Step(new Cursor(parent, null), 0);
        }
        List<long[]> rows = rows(parent, from);
        long converted = 0;
        for (int a = 0; a < rows.size(); ) {
            int b = a + 1;
            while (b < rows.size() && b - a < PackedOrdinals.MAX_POSITIONS && rows.get(b)[0] == rows.get(b - 1)[0] + 1) {
                b++;
            }
            converted += convertRun(parent, rows.subList(a, b));
            a = b;
        }
        long last = rows.isEmpty() ? Long.MAX_VALUE : rows.getLast()[0];
        boolean more = rows.size() == maxPositions && last != Long.MAX_VALUE;
        return new Step(more ? new Cursor(parent, last + 1) : new Cursor(parent, null), converted);
    }

    /** A run (rows {SequenceIndex, X, Y, AtomId}) as one segment when it follows a layout; its positions, or 0. */
    private long convertRun(long parent, List<long[]> run) throws SQLException {
        int n = run.size();
        long[] seq = new long[n];
        long[] x = new long[n];
        long[] y = new long[n];
        int[] ordinal = new int[n];
        // Chunk ordinals in order of first appearance, so the dictionary numbers new atoms as the procedure does.
        Map<Long, Integer> atoms = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            long[] r = run.get(i);
            seq[i] = r[0];
            x[i] = r[1];
            y[i] = r[2];
            ordinal[i] = atoms.computeIfAbsent(r[3], k -> atoms.size());
        }
        CompositionBatch batch = new CompositionBatch(n, seq, x, y, ordinal);
        if (SegmentLayout.of(batch) == null) {
            return 0;
        }
        // A run that repeats a position already in a segment (the writers never leave one) stays rows, as the view
        // shows it, rather than failing every open of the database.
        Savepoint before = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM AtomCompositionRows WHERE ParentAtomId = ? "
                + "AND SequenceIndex BETWEEN ? AND ?")) {
            ps.setLong(1, parent);
            ps.setLong(2, seq[0]);
            ps.setLong(3, seq[n - 1]);
            if (ps.executeUpdate() != n) {
                throw new SQLException("composition rows of parent " + parent + " changed during their migration");
            }
        }
        long[] atomIds = new long[atoms.size()];
        atoms.forEach((atom, o) -> atomIds[o] = atom);
        try {
            new SegmentWriter(c, parent).write(batch, atomIds);
        } catch (ConflictException e) {
            c.rollback(before);
            return 0;
        }
        c.releaseSavepoint(before);
        return n;
    }

    private boolean hasRowsFrom(long parent, long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM AtomCompositionRows WHERE ParentAtomId = ? "
                + "AND SequenceIndex >= ? LIMIT 1")) {
            ps.setLong(1, parent);
            ps.setLong(2, from);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Long nextParent(long after) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(ParentAtomId) FROM AtomCompositionRows "
                + "WHERE ParentAtomId > ?")) {
            ps.setLong(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long p = rs.getLong(1);
                return rs.wasNull() ? null : p;
            }
        }
    }

    private void lockAtom(long atomId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT AtomId FROM Atoms WHERE AtomId = ? FOR UPDATE")) {
            ps.setLong(1, atomId);
            ps.executeQuery().close();
        }
    }

    private boolean hasRunningJob(long parent) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM IngestionJobs WHERE ParentAtomId = ? "
                + "AND State = 'RUNNING' UNION ALL SELECT 1 FROM DeletionJobs WHERE FileAtomId = ? "
                + "AND State = 'RUNNING' LIMIT 1")) {
            ps.setLong(1, parent);
            ps.setLong(2, parent);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** At most a batch of the parent's rows from {@code from} on, in sequence order: {SequenceIndex, X, Y, AtomId}. */
    private List<long[]> rows(long parent, long from) throws SQLException {
        List<long[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT SequenceIndex, PositionX, PositionY, ComponentAtomId "
                + "FROM AtomCompositionRows WHERE ParentAtomId = ? AND SequenceIndex >= ? ORDER BY SequenceIndex "
                + "LIMIT ?")) {
            ps.setLong(1, parent);
            ps.setLong(2, from);
            ps.setInt(3, maxPositions);
            ps.setFetchSize(Math.min(maxPositions, 4096));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                }
            }
        }
        return rows;
    }
}
