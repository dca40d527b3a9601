package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The provenance feed over the queue table ProvenanceSyncQueue: a receiver locks the oldest rows nobody else holds
 * ({@code SELECT ... FOR UPDATE SKIP LOCKED}, so concurrent receivers neither wait on nor take each other's rows),
 * hands them to the handler and deletes them in the same transaction; a throwing handler rolls the transaction back
 * and the rows are free again. H2 has no blocking receive, so waiting is polling with a growing pause.
 */
record EmbeddedProvenanceFeed(UnitOfWork tx) implements ProvenanceFeed {
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
        return tx.inTransactionOnce("provenance feed", c -> {
            List<Long> ids = new ArrayList<>();
            List<GraphChange> changes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ProvenanceChanges.COLUMNS
                    + " FROM ProvenanceSyncQueue ORDER BY ChangeId FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                ps.setInt(1, maxChanges);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong("ChangeId"));
                        changes.add(ProvenanceChanges.change(rs));
                    }
                }
            }
            if (changes.isEmpty()) {
                return 0;
            }
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
    }
}
