package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.engine.jdbc.ProvenanceSyncBodies;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The provenance feed over the queue table ProvenanceSyncQueue: a receiver locks the oldest rows nobody else holds
 * ({@code SELECT ... FOR UPDATE SKIP LOCKED}, so concurrent receivers neither wait on nor take each other's rows),
 * hands them to the handler and deletes them in the same transaction; a throwing handler rolls the transaction back
 * and the rows are free again. H2 has no blocking receive, so waiting is polling with a growing pause. A failed
 * batch is charged after its rollback (ProvenanceSyncQueue.Failures, LastError); a row with failures is taken alone,
 * before any unsuspected rows, and moved to DeadLetters once it failed as often as allowed (see ProvenanceFeed).
 */
record EmbeddedProvenanceFeed(UnitOfWork tx) implements ProvenanceFeed {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedProvenanceFeed.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(20);
    static final Duration LONGEST_PAUSE = Duration.ofMillis(500);

    @Override
    public int receive(int maxChanges, Duration wait, Handler handler) {
        ProvenanceFeed.requireReceive(maxChanges, wait, handler);
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = FIRST_PAUSE.toNanos();
        while (true) {
            int taken = takeOnce(maxChanges, handler);
            long left = deadline - System.nanoTime();
            if (taken > 0 || left <= 0) {
                return taken;
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.min(pause, left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE.toNanos());
        }
    }

    /** One transaction: lock, hand over, delete; not retried, since the handler is not the engine's to run twice. */
    private int takeOnce(int maxChanges, Handler handler) {
        List<Long> ids = new ArrayList<>();
        boolean[] handed = {false};
        try {
            return tx.inTransactionOnce("provenance feed", c -> {
                List<GraphChange> changes = take(c, "Failures > 0", 1, ids);
                if (changes.isEmpty()) {
                    changes = take(c, "Failures = 0", maxChanges, ids);
                }
                if (changes.isEmpty()) {
                    return 0;
                }
                handed[0] = true;
                handler.handle(List.copyOf(changes));
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ProvenanceSyncQueue WHERE ChangeId = ?")) {
                    for (long id : ids) {
                        ps.setLong(1, id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return changes.size();
            });
        } catch (RuntimeException e) {
            if (handed[0] && !(e instanceof Unavailable)) {
                charge(ids, e);
            }
            throw e;
        }
    }

    /** Locks up to {@code limit} rows nobody else holds, oldest first, of those {@code where} says. */
    private static List<GraphChange> take(Connection c, String where, int limit, List<Long> ids) throws SQLException {
        List<GraphChange> changes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ProvenanceChanges.COLUMNS + " FROM ProvenanceSyncQueue"
                + " WHERE " + where + " ORDER BY ChangeId FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong("ChangeId"));
                    changes.add(ProvenanceChanges.change(rs));
                }
            }
        }
        return changes;
    }

    /**
     * After the rollback, in a transaction of its own: one more failure for each change of the batch, and the ones
     * that used up their deliveries to the dead-letter table. A failure to record is logged, not thrown: the
     * handler's own error is what the caller needs.
     */
    private void charge(List<Long> ids, RuntimeException failure) {
        String error = DeadLetters.errorText(failure);
        try {
            tx.inTransaction("provenance feed failure", c -> {
                int max = EmbeddedDeadLetters.maxDeliveries(c, DeadLetters.PROVENANCE_QUEUE);
                List<Long> dead = new ArrayList<>();
                for (long id : ids) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT " + ProvenanceChanges.COLUMNS
                            + ", Failures FROM ProvenanceSyncQueue WHERE ChangeId = ? FOR UPDATE")) {
                        ps.setLong(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                continue;
                            }
                            int failures = rs.getInt("Failures") + 1;
                            if (failures >= max) {
                                GraphChange change = ProvenanceChanges.change(rs);
                                EmbeddedDeadLetters.add(c, DeadLetters.PROVENANCE_QUEUE,
                                        ProvenanceSyncBodies.body(change), error, failures, change.changedAt());
                                dead.add(id);
                                continue;
                            }
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE ProvenanceSyncQueue SET "
                            + "Failures = Failures + 1, LastError = ? WHERE ChangeId = ?")) {
                        ps.setString(1, error);
                        ps.setLong(2, id);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ProvenanceSyncQueue WHERE ChangeId = ?")) {
                    for (long id : dead) {
                        ps.setLong(1, id);
                        ps.executeUpdate();
                    }
                }
                return dead.size();
            });
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            LOG.warn("could not record a failed provenance delivery: {}", e.toString());
        }
    }
}
