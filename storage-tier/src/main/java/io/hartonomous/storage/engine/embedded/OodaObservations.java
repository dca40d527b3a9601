package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ooda.ObservationKind;
import io.hartonomous.storage.contract.ooda.OodaObservation;
import io.hartonomous.storage.contract.operations.QueueStats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Analyze phase on H2: what H2 lets the engine observe. Slow queries are the engines' own timings of their units
 * of work over the last hour or two, as every process on the database writes them (OperationTimingsTable; H2 has no
 * query store); stale statistics are tables whose row count (INFORMATION_SCHEMA.TABLES
 * ROW_COUNT_ESTIMATE) moved far from the count the loop last ran ANALYZE at (H2 keeps no modification counter);
 * fragmentation is the MVStore's chunk fill rate (H2 has no per-index figure); queue depths, stale landmarks,
 * history past retention and usage hotspots are read from the engine's tables. {@link #measure} takes one of them
 * again, for the Learn phase.
 */
final class OodaObservations {
    /** The second is the weights' history by the name of its row table: segment versions, counted in weights. */
    static final List<String> HISTORY_TABLES = List.of("ModelLayersHistory", TensorHistoryPurge.TARGET);

    /**
     * A history row that a weight snapshot needs: the snapshot is restored AS OF its TakenAt, which reads the rows
     * valid then. Such rows are never past retention, however old (alias {@code h} is the history table).
     */
    static final String NEEDED_BY_A_SNAPSHOT = "EXISTS (SELECT 1 FROM WeightSnapshots s WHERE s.ModelId = h.ModelId "
            + "AND s.TakenAt >= h.ValidFrom AND s.TakenAt < h.ValidTo)";

    List<OodaObservation> analyze(Connection c, OodaSettingsTable.Values s) throws SQLException {
        List<OodaObservation> found = new ArrayList<>();
        OperationTimingsTable.forgetOld(c);
        slowOperations(c, s, found);
        staleStatistics(c, s, found);
        fragmentation(c, s, found);
        queues(c, s, found);
        staleLandmarks(c, s, found);
        historyPastRetention(c, s, found);
        usageHotspots(c, s, found);
        return found;
    }

    /** The figure of one observation now (null when its target is gone), in the unit {@link #analyze} used. */
    Double measure(Connection c, ObservationKind kind, String target, OodaSettingsTable.Values s)
            throws SQLException {
        return switch (kind) {
            case STALE_STATISTICS -> EmbeddedEngine.TABLES.contains(target) ? changedPercent(c, target) : null;
            case STALE_LANDMARKS -> {
                Growth g = growth(c, target);
                yield g == null ? null : g.factor();
            }
            case HISTORY_PAST_RETENTION -> HISTORY_TABLES.contains(target)
                    ? (double) rowsPastRetention(c, target, cutoff(s)) : null;
            default -> null;
        };
    }

    private static void slowOperations(Connection c, OodaSettingsTable.Values s, List<OodaObservation> found)
            throws SQLException {
        double slowMillis = s.number("OodaSlowOperationMillis", 1000);
        double minCalls = s.number("OodaMinExecutions", 20);
        for (OperationTimingsTable.Window t : OperationTimingsTable.recent(c)) {
            if (t.calls() >= minCalls && t.meanMillis() >= slowMillis) {
                found.add(new OodaObservation(ObservationKind.SLOW_QUERY, t.operation(), t.meanMillis(),
                        String.format(Locale.ROOT, "%d calls this hour and the last (every process on the "
                                + "database), mean %.1f ms, max %.1f ms", t.calls(), t.meanMillis(), t.maxMillis())));
            }
        }
    }

    private static void staleStatistics(Connection c, OodaSettingsTable.Values s, List<OodaObservation> found)
            throws SQLException {
        double stalePercent = s.number("OodaStaleStatisticsPercent", 20);
        double minRows = s.number("OodaMinTableRows", 1000);
        for (String table : EmbeddedEngine.TABLES) {
            long rows = rowEstimate(c, table);
            if (rows < minRows) {
                continue;
            }
            double changed = changedPercent(c, table);
            if (changed >= stalePercent) {
                found.add(new OodaObservation(ObservationKind.STALE_STATISTICS, table, changed,
                        String.format(Locale.ROOT, "%d rows, %.0f%% away from the count at the loop's last ANALYZE",
                                rows, changed)));
            }
        }
    }

    private static double changedPercent(Connection c, String table) throws SQLException {
        long rows = rowEstimate(c, table);
        long analyzed = 0;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT RowsAtAnalyze FROM OodaAnalyzedTables WHERE TableName = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    analyzed = rs.getLong(1);
                }
            }
        }
        return Math.abs(rows - analyzed) * 100.0 / Math.max(1, analyzed);
    }

    static long rowEstimate(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ROW_COUNT_ESTIMATE FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = 'PUBLIC' AND UPPER(TABLE_NAME) = UPPER(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** H2 has no per-index fragmentation; its store reports how full its chunks are (file databases only). */
    private static void fragmentation(Connection c, OodaSettingsTable.Values s, List<OodaObservation> found)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                + "WHERE SETTING_NAME = 'info.CHUNKS_FILL_RATE'"); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                double fill = Double.parseDouble(rs.getString(1).replace("%", "").strip());
                if (fill < s.number("OodaMinFillRatePercent", 50)) {
                    found.add(new OodaObservation(ObservationKind.FRAGMENTATION, "store", 100 - fill,
                            String.format(Locale.ROOT, "chunks %.0f%% full; H2 compacts in the background, "
                                    + "and fully only on SHUTDOWN COMPACT (offline)", fill)));
                }
            }
        }
    }

    /** Queue depths past the alert, and every queue's dead letters: the figures GET /api/admin/queues shows. */
    private static void queues(Connection c, OodaSettingsTable.Values s, List<OodaObservation> found)
            throws SQLException {
        long alert = (long) s.number("OodaQueueDepthAlert", 10000);
        for (QueueStats q : EmbeddedDeadLetters.stats(c)) {
            if (q.depth() >= alert) {
                found.add(new OodaObservation(ObservationKind.QUEUE_DEPTH, q.queue(), q.depth(),
                        q.depth() + " messages waiting, the oldest " + q.oldestAgeSeconds() + " s old"));
            }
            if (q.deadLetters() > 0) {
                found.add(new OodaObservation(ObservationKind.DEAD_LETTERS, q.queue(), q.deadLetters(),
                        q.deadLetters() + " dead letters"));
            }
        }
    }

    /** A type's embeddings now against those its landmarks were derived from (stored before its last rebuild). */
    record Growth(long embeddings, long atBuild, long generation) {
        double factor() {
            return embeddings / (double) Math.max(1, atBuild);
        }
    }

    static Growth growth(Connection c, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT s.Generation, "
                + "(SELECT COUNT(*) FROM EmbeddingPoints p WHERE p.EmbeddingType = s.EmbeddingType), "
                + "(SELECT COUNT(*) FROM EmbeddingPoints p JOIN AtomEmbeddings e ON e.EmbeddingId = p.EmbeddingId "
                + "WHERE p.EmbeddingType = s.EmbeddingType AND e.CreatedAt > s.BuiltAt) "
                + "FROM SpatialLandmarkSets s WHERE s.EmbeddingType = ?")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long total = rs.getLong(2);
                return new Growth(total, total - rs.getLong(3), rs.getLong(1));
            }
        }
    }

    private static void staleLandmarks(Connection c, OodaSettingsTable.Values s, List<OodaObservation> found)
            throws SQLException {
        double factor = s.number("OodaLandmarkGrowth", 2.0);
        double minEmbeddings = s.number("OodaMinEmbeddings", 2);
        List<String> types = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT EmbeddingType FROM SpatialLandmarkSets "
                + "ORDER BY EmbeddingType"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                types.add(rs.getString(1));
            }
        }
        for (String type : types) {
            Growth g = growth(c, type);
            if (g != null && g.embeddings() >= minEmbeddings && g.factor() >= factor) {
                found.add(new OodaObservation(ObservationKind.STALE_LANDMARKS, type, g.factor(),
                        String.format(Locale.ROOT, "%d embeddings, %d when the landmarks were %s (×%.2f)",
                                g.embeddings(), g.atBuild(), g.generation() == 0 ? "seeded (never rebuilt)"
                                        : "last rebuilt (generation " + g.generation() + ")", g.factor())));
            }
        }
    }

    static Instant cutoff(OodaSettingsTable.Values s) {
        return Rows.micros(Instant.now().minus(s.settings().historyRetention()));
    }

    static long rowsPastRetention(Connection c, String table, Instant cutoff) throws SQLException {
        if (table.equals(TensorHistoryPurge.TARGET)) {
            return TensorHistoryPurge.valuesPastRetention(c, cutoff);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " h WHERE h.ValidTo < ? "
                + "AND NOT " + NEEDED_BY_A_SNAPSHOT)) {
            Rows.setInstant(ps, 1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void historyPastRetention(Connection c, OodaSettingsTable.Values s, List<OodaObservation> found)
            throws SQLException {
        Instant cutoff = cutoff(s);
        for (String table : HISTORY_TABLES) {
            long rows = rowsPastRetention(c, table, cutoff);
            if (rows > 0) {
                found.add(new OodaObservation(ObservationKind.HISTORY_PAST_RETENTION, table, rows,
                        rows + " rows valid until before " + cutoff + " (retention "
                                + s.settings().historyRetention() + ") that no weight snapshot needs"));
            }
        }
    }

    private static void usageHotspots(Connection c, OodaSettingsTable.Values s, List<OodaObservation> found)
            throws SQLException {
        long windowSeconds = (long) s.number("OodaUsageWindowSeconds", 3600);
        long threshold = (long) s.number("OodaUsageHotspotRequests", 10000);
        try (PreparedStatement ps = c.prepareStatement("SELECT TenantId, Operation, COUNT(*), SUM(Units) "
                + "FROM UsageLedger WHERE RecordedAt >= ? GROUP BY TenantId, Operation HAVING COUNT(*) >= ? "
                + "ORDER BY COUNT(*) DESC")) {
            Rows.setInstant(ps, 1, Rows.micros(Instant.now().minusSeconds(windowSeconds)));
            ps.setLong(2, threshold);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new OodaObservation(ObservationKind.USAGE_HOTSPOT,
                            rs.getString(1) + "/" + rs.getString(2), rs.getLong(3), rs.getLong(3) + " requests, "
                                    + rs.getLong(4) + " units in the last " + windowSeconds + " s"));
                }
            }
        }
    }
}
