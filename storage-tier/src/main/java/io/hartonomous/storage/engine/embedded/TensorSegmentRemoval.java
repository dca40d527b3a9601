package io.hartonomous.storage.engine.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Removing a model's tensors for a deletion job, a batch at a time inside the caller's transaction. Segments and
 * versions go whole (up to the batch's limit of weights, at least one): current segments move to history as the row
 * trigger moved deleted rows (their occurrences and references released), then, on erase, the versions and the
 * dictionary go. Counts are weights: a segment's positions, a version's {@code Replaced}.
 */
final class TensorSegmentRemoval {
    private final Connection c;
    private final long modelId;

    TensorSegmentRemoval(Connection c, long modelId) {
        this.c = c;
        this.modelId = modelId;
    }

    /** Weights of the current segments. */
    long weights() throws SQLException {
        return EmbeddedIngestWrites.countDistinct(c,
                "SELECT COALESCE(SUM(PositionCount), 0) FROM TensorSegments WHERE ModelId = ?", modelId);
    }

    /** Weight values the history holds (one per row-per-weight history row). */
    long historyValues() throws SQLException {
        return EmbeddedIngestWrites.countDistinct(c,
                "SELECT COALESCE(SUM(Replaced), 0) FROM TensorSegmentsHistory WHERE ModelId = ?", modelId);
    }

    /** Moves the first current segments to history; returns their weights (0: none left). */
    long retire(long budget, AtomRelease release) throws SQLException {
        TensorSegmentStore store = new TensorSegmentStore(c, modelId);
        List<long[]> keys = new ArrayList<>();
        long weights = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT LayerIdx, FirstIndex, PositionCount FROM TensorSegments "
                + "WHERE ModelId = ? ORDER BY ModelId, LayerIdx, FirstIndex FETCH FIRST ? ROWS ONLY")) {
            ps.setLong(1, modelId);
            ps.setLong(2, Math.max(1, Math.min(budget, Integer.MAX_VALUE)));
            try (ResultSet rs = ps.executeQuery()) {
                while ((keys.isEmpty() || weights < budget) && rs.next()) {
                    keys.add(new long[] {rs.getInt(1), rs.getLong(2)});
                    weights += rs.getInt(3);
                }
            }
        }
        List<TensorSegmentStore.Segment> batch = new ArrayList<>();
        for (long[] k : keys) {
            batch.add(store.lock((int) k[0], k[1]));
        }
        if (batch.isEmpty()) {
            return 0;
        }
        Instant now = TensorSegmentStore.versionTime(batch);
        Map<Integer, Long> removed = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM TensorSegments WHERE ModelId = ? AND LayerIdx = ? AND FirstIndex = ?")) {
            for (TensorSegmentStore.Segment s : batch) {
                store.toHistory(s, now, s.count());
                for (int k = 0; k < s.count(); k++) {
                    removed.merge(s.ordinal(k), -1L, Long::sum);
                }
                ps.setLong(1, modelId);
                ps.setInt(2, s.layer());
                ps.setLong(3, s.first());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        SegmentDictionary dictionary = SegmentDictionary.tensor(c, modelId);
        for (Map.Entry<Integer, Long> e : dictionary.atomIds(removed.keySet()).entrySet()) {
            release.add(e.getValue(), -removed.get(e.getKey()));
        }
        dictionary.adjust(removed);
        return weights;
    }

    /** Erase: deletes the first history versions; returns the weight values they held (0: none left). */
    long dropVersions(long budget) throws SQLException {
        List<Object[]> keys = new ArrayList<>();
        long values = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT LayerIdx, FirstIndex, ValidTo, Replaced "
                + "FROM TensorSegmentsHistory WHERE ModelId = ? ORDER BY ModelId, LayerIdx, FirstIndex, ValidTo "
                + "FETCH FIRST ? ROWS ONLY")) {
            ps.setLong(1, modelId);
            ps.setLong(2, Math.max(1, Math.min(budget, Integer.MAX_VALUE)));
            try (ResultSet rs = ps.executeQuery()) {
                while ((keys.isEmpty() || values < budget) && rs.next()) {
                    keys.add(new Object[] {rs.getInt(1), rs.getLong(2), rs.getObject(3)});
                    values += rs.getInt(4);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM TensorSegmentsHistory WHERE ModelId = ? "
                + "AND LayerIdx = ? AND FirstIndex = ? AND ValidTo = ?")) {
            for (Object[] k : keys) {
                ps.setLong(1, modelId);
                ps.setInt(2, (Integer) k[0]);
                ps.setLong(3, (Long) k[1]);
                ps.setObject(4, k[2]);
                ps.addBatch();
            }
            if (!keys.isEmpty()) {
                ps.executeBatch();
            }
        }
        return values;
    }

    /**
     * Erase, once no segment or version is left: deletes the first dictionary entries; their atoms may be leaves
     * nothing references or lists any more ({@link AtomRelease} purges those). Returns the entries deleted.
     */
    int dropDictionary(int budget, AtomRelease release) throws SQLException {
        List<Integer> ordinals = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT Ordinal, AtomId FROM TensorDictionary WHERE ModelId = ? "
                + "ORDER BY ModelId, Ordinal FETCH FIRST ? ROWS ONLY")) {
            ps.setLong(1, modelId);
            ps.setInt(2, budget);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ordinals.add(rs.getInt(1));
                    release.candidate(rs.getLong(2));
                }
            }
        }
        if (ordinals.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM TensorDictionary WHERE ModelId = ? "
                + "AND Ordinal BETWEEN ? AND ?")) {
            ps.setLong(1, modelId);
            ps.setInt(2, ordinals.getFirst());
            ps.setInt(3, ordinals.getLast());
            ps.executeUpdate();
        }
        return ordinals.size();
    }
}
