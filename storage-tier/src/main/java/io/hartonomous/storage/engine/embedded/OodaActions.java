package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ooda.ActionKind;
import io.hartonomous.storage.contract.ooda.ObservationKind;
import io.hartonomous.storage.contract.ooda.OodaObservation;
import io.hartonomous.storage.contract.vectors.ProjectionRebuild;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Hypothesize and Act phases on H2: which safe action answers an observation, and applying it. H2 offers
 * {@code ANALYZE TABLE} for statistics; it has no online index rebuild (an index can only be dropped and created
 * again, and the store compacts itself or on an offline SHUTDOWN COMPACT), so fragmentation, slow operations, queue
 * depths and usage hotspots are reported and answered by nothing here. None of these actions can be reverted.
 */
final class OodaActions {
    /** What Hypothesize proposes for an observation. */
    record Plan(ActionKind action, String expectedEffect) {
    }

    /** History rows deleted per transaction, so a purge never holds one huge transaction. */
    private static final int PURGE_BATCH = 10_000;

    private final UnitOfWork tx;
    private final Function<String, ProjectionRebuild> rebuildProjection;

    OodaActions(UnitOfWork tx, Function<String, ProjectionRebuild> rebuildProjection) {
        this.tx = tx;
        this.rebuildProjection = rebuildProjection;
    }

    /** The observation an action is measured by again (Learn). */
    static ObservationKind observes(ActionKind action) {
        return switch (action) {
            case UPDATE_STATISTICS -> ObservationKind.STALE_STATISTICS;
            case REBUILD_PROJECTION -> ObservationKind.STALE_LANDMARKS;
            case PURGE_HISTORY -> ObservationKind.HISTORY_PAST_RETENTION;
            case REORGANIZE_INDEX, REBUILD_INDEX -> ObservationKind.FRAGMENTATION;
            case FORCE_PLAN -> ObservationKind.PLAN_REGRESSION;
        };
    }

    /** The action that answers the observation on H2, or null when none does. */
    Plan plan(OodaObservation o) {
        return switch (o.kind()) {
            case STALE_STATISTICS -> new Plan(ActionKind.UPDATE_STATISTICS, String.format(Locale.ROOT,
                    "ANALYZE TABLE %s: the planner's selectivities match its rows again (change since the last "
                            + "ANALYZE %.0f%% -> 0%%)", o.target(), o.metric()));
            case STALE_LANDMARKS -> new Plan(ActionKind.REBUILD_PROJECTION, String.format(Locale.ROOT,
                    "re-derive the landmarks of '%s' from all its embeddings and re-project them: growth since the "
                            + "landmarks ×%.2f -> ×1.00, hybrid search cells balanced again", o.target(), o.metric()));
            case HISTORY_PAST_RETENTION -> new Plan(ActionKind.PURGE_HISTORY, String.format(Locale.ROOT,
                    "delete the %.0f rows of %s older than the retention: %.0f -> 0 (AS OF and rollback before the "
                            + "cutoff are no longer possible)", o.metric(), o.target(), o.metric()));
            default -> null;
        };
    }

    /** Applies the action now; returns what it did. */
    String apply(ActionKind action, String target, OodaSettingsTable.Values settings) {
        return switch (action) {
            case UPDATE_STATISTICS -> analyze(target);
            case REBUILD_PROJECTION -> {
                ProjectionRebuild r = rebuildProjection.apply(target);
                yield "rebuilt: generation " + r.generation() + ", " + r.landmarks() + " landmarks from "
                        + r.trainedOn() + " embeddings, " + r.reprojected() + " re-projected";
            }
            case PURGE_HISTORY -> purge(target, OodaObservations.cutoff(settings));
            default -> throw new IllegalStateException(action + " is not an action of the embedded engine");
        };
    }

    private String analyze(String table) {
        requireKnown(EmbeddedEngine.TABLES.contains(table), table);
        return tx.run("ooda.analyzeTable", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE TABLE " + table);
            }
            long rows = OodaObservations.rowEstimate(c, table);
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO OodaAnalyzedTables (TableName, RowsAtAnalyze, "
                    + "AnalyzedAt) KEY (TableName) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                ps.setString(1, table);
                ps.setLong(2, rows);
                ps.executeUpdate();
            }
            return "ANALYZE TABLE " + table + " at " + rows + " rows";
        });
    }

    private String purge(String table, Instant cutoff) {
        requireKnown(OodaObservations.HISTORY_TABLES.contains(table), table);
        if (table.equals(TensorHistoryPurge.TARGET)) {
            return TensorHistoryPurge.purge(tx, cutoff, PURGE_BATCH);
        }
        long deleted = 0;
        int batch;
        do {
            batch = tx.inTransaction("ooda.purgeHistory", c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " h WHERE h.ValidTo < ? "
                        + "AND NOT " + OodaObservations.NEEDED_BY_A_SNAPSHOT + " FETCH FIRST " + PURGE_BATCH
                        + " ROWS ONLY")) {
                    Rows.setInstant(ps, 1, cutoff);
                    return ps.executeUpdate();
                }
            });
            deleted += batch;
        } while (batch == PURGE_BATCH);
        return "deleted " + deleted + " rows of " + table + " valid until before " + cutoff
                + " (rows a weight snapshot needs are kept)";
    }

    /** Targets come from the engine's own observations; anything else is refused before it reaches SQL text. */
    private static void requireKnown(boolean known, String target) {
        if (!known) {
            throw new IllegalArgumentException("'" + target + "' is not a table the loop maintains");
        }
    }
}
