package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.jdbc.UnitOfWork;
import io.hartonomous.storage.engine.segments.PackedOrdinals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * OODA's history retention for tensor segments: versions that ended before the cutoff and that no weight snapshot
 * needs go, a bounded batch per transaction; then the dictionary entries of the models concerned that no current
 * position and no version left points at. The figures are weight values ({@code SUM(Replaced)}), the rows the
 * row-per-weight history held; the observation's target keeps that table's name, TensorAtomCoefficientsHistory.
 */
final class TensorHistoryPurge {
    static final String TARGET = "TensorAtomCoefficientsHistory";

    private TensorHistoryPurge() {
    }

    static long valuesPastRetention(Connection c, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(h.Replaced), 0) FROM "
                + "TensorSegmentsHistory h WHERE h.ValidTo < ? AND NOT " + OodaObservations.NEEDED_BY_A_SNAPSHOT)) {
            Rows.setInstant(ps, 1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Purges in transactions of at most {@code batch} versions; returns what it did. */
    static String purge(UnitOfWork tx, Instant cutoff, int batch) {
        long values = 0;
        long versions = 0;
        Set<Long> models = new TreeSet<>();
        while (true) {
            long[] done = tx.inTransaction("ooda.purgeTensorHistory", c -> purgeBatch(c, cutoff, batch, models));
            values += done[0];
            versions += done[1];
            if (done[1] < batch) {
                break;
            }
        }
        long entries = 0;
        for (long model : models) {
            entries += tx.inTransaction("ooda.compactTensorDictionary", c -> compact(c, model));
        }
        return "deleted " + values + " weight values (" + versions + " segment versions) of " + TARGET
                + " valid until before " + cutoff + " (versions a weight snapshot needs are kept) and " + entries
                + " dictionary entries nothing points at any longer";
    }

    private static long[] purgeBatch(Connection c, Instant cutoff, int batch, Set<Long> models) throws SQLException {
        List<Object[]> keys = new ArrayList<>();
        long values = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT h.ModelId, h.LayerIdx, h.FirstIndex, h.ValidTo, "
                + "h.Replaced FROM TensorSegmentsHistory h WHERE h.ValidTo < ? AND NOT "
                + OodaObservations.NEEDED_BY_A_SNAPSHOT + " FETCH FIRST " + batch + " ROWS ONLY")) {
            Rows.setInstant(ps, 1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new Object[] {rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getObject(4)});
                    values += rs.getInt(5);
                }
            }
        }
        if (!keys.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM TensorSegmentsHistory WHERE ModelId = ? "
                    + "AND LayerIdx = ? AND FirstIndex = ? AND ValidTo = ?")) {
                for (Object[] k : keys) {
                    ps.setLong(1, (Long) k[0]);
                    ps.setInt(2, (Integer) k[1]);
                    ps.setLong(3, (Long) k[2]);
                    ps.setObject(4, k[3]);
                    ps.addBatch();
                    models.add((Long) k[0]);
                }
                ps.executeBatch();
            }
        }
        return new long[] {values, keys.size()};
    }

    /** Deletes the model's entries at zero occurrences that no version of it still points at; returns how many. */
    static long compact(Connection c, long modelId) throws SQLException {
        BitSet unused = new BitSet();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT Ordinal FROM TensorDictionary WHERE ModelId = ? AND Occurrences = 0")) {
            ps.setLong(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    unused.set(rs.getInt(1));
                }
            }
        }
        if (unused.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT OrdinalWidth, PositionCount, Ordinals FROM TensorSegmentsHistory WHERE ModelId = ?")) {
            ps.setLong(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && !unused.isEmpty()) {
                    int width = rs.getInt(1);
                    int count = rs.getInt(2);
                    byte[] packed = rs.getBytes(3);
                    for (int k = 0; k < count; k++) {
                        unused.clear(PackedOrdinals.ordinalAt(packed, width, k));
                    }
                }
            }
        }
        if (unused.isEmpty()) {
            return 0;
        }
        int[] gone = unused.stream().toArray();
        long deleted = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM TensorDictionary WHERE ModelId = ? "
                + "AND Occurrences = 0 AND Ordinal IN (SELECT O FROM TABLE(O INT = ?))")) {
            for (int from = 0; from < gone.length; from += TensorValues.LOOKUP_SLICE) {
                ps.setLong(1, modelId);
                ps.setObject(2, Arrays.stream(gone, from, Math.min(gone.length, from + TensorValues.LOOKUP_SLICE))
                        .boxed().toArray(Integer[]::new));
                deleted += ps.executeUpdate();
            }
        }
        return deleted;
    }
}
