package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.operations.DeadLetter;
import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.contract.operations.QueueArguments;
import io.hartonomous.storage.contract.operations.QueueStats;
import io.hartonomous.storage.engine.jdbc.ProvenanceSyncBodies;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The dead-letter table (script 110) and the queue figures: general queues are the names in QueueMessages and
 * DeadLetters, the provenance feed is ProvenanceSyncQueue under {@link DeadLetters#PROVENANCE_QUEUE}. The static
 * methods are what the queue and the feed use inside their own transactions.
 */
record EmbeddedDeadLetters(UnitOfWork tx) implements DeadLetters {
    private static final String COLUMNS = "DeadLetterId, QueueName, Body, Error, Deliveries, FirstSeen, DeadLetteredAt";

    @Override
    public List<QueueStats> queues() {
        return tx.read("queues", EmbeddedDeadLetters::stats);
    }

    /** Every queue's figures, read on {@code c}: what {@link #queues()} returns and what the OODA loop observes. */
    static List<QueueStats> stats(Connection c) throws SQLException {
        Instant now = Instant.now();
        Map<String, long[]> figures = new TreeMap<>();
        figures.put(PROVENANCE_QUEUE, new long[3]);
        collect(c, "SELECT QueueName AS Q, COUNT(*) AS N, MIN(EnqueuedAt) AS Oldest FROM QueueMessages "
                + "GROUP BY QueueName", figures, now, 0);
        collect(c, "SELECT '" + PROVENANCE_QUEUE + "' AS Q, COUNT(*) AS N, MIN(ChangedAt) AS Oldest "
                + "FROM ProvenanceSyncQueue", figures, now, 0);
        collect(c, "SELECT QueueName AS Q, COUNT(*) AS N FROM DeadLetters GROUP BY QueueName", figures, now, 2);
        List<QueueStats> stats = new ArrayList<>();
        figures.forEach((queue, f) -> stats.add(new QueueStats(queue, f[0], f[1], f[2])));
        return stats;
    }

    /** Adds rows of (queue, count, oldest time or NULL) at {@code slot} (0: depth and age, 2: dead letters). */
    private static void collect(Connection c, String sql, Map<String, long[]> figures, Instant now, int slot)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long[] f = figures.computeIfAbsent(rs.getString("Q"), q -> new long[3]);
                f[slot] = rs.getLong("N");
                if (slot == 0 && f[0] > 0) {
                    Instant oldest = Rows.RECORDS.instant(rs, "Oldest");
                    f[1] = Math.max(0, Duration.between(oldest, now).toSeconds());
                }
            }
        }
    }

    @Override
    public List<DeadLetter> list(String queue, int limit) {
        DeadLetters.requireLimit(limit);
        boolean all = queue == null || queue.isBlank();
        return tx.read("deadLetters", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM DeadLetters"
                    + (all ? "" : " WHERE QueueName = ?") + " ORDER BY DeadLetterId FETCH FIRST ? ROWS ONLY")) {
                int i = 1;
                if (!all) {
                    ps.setString(i++, QueueArguments.requireQueue(queue));
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<DeadLetter> letters = new ArrayList<>();
                    while (rs.next()) {
                        letters.add(letter(rs));
                    }
                    return letters;
                }
            }
        });
    }

    @Override
    public Optional<DeadLetter> find(long id) {
        return tx.read("deadLetter", c -> find(c, id, false));
    }

    private static Optional<DeadLetter> find(Connection c, long id, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM DeadLetters WHERE DeadLetterId = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(letter(rs)) : Optional.empty();
            }
        }
    }

    private static DeadLetter letter(ResultSet rs) throws SQLException {
        return new DeadLetter(rs.getLong("DeadLetterId"), rs.getString("QueueName"), rs.getString("Body"),
                rs.getString("Error"), rs.getInt("Deliveries"), Rows.RECORDS.instant(rs, "FirstSeen"),
                Rows.RECORDS.instant(rs, "DeadLetteredAt"));
    }

    @Override
    public boolean retry(long id) {
        return tx.inTransaction("retryDeadLetter", c -> {
            Optional<DeadLetter> found = find(c, id, true);
            if (found.isEmpty()) {
                return false;
            }
            DeadLetter letter = found.get();
            if (PROVENANCE_QUEUE.equals(letter.queue())) {
                // Back on the feed with the time it had, so a retried relabel cannot undo a later one.
                GraphChange change = ProvenanceSyncBodies.parse(letter.body(), Instant::now);
                ProvenanceChanges.enqueue(c, change);
            } else {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO QueueMessages (QueueName, Body) VALUES (?, ?)")) {
                    ps.setString(1, letter.queue());
                    ps.setString(2, letter.body());
                    ps.executeUpdate();
                }
            }
            return delete(c, id);
        });
    }

    @Override
    public boolean discard(long id) {
        return tx.inTransaction("discardDeadLetter", c -> delete(c, id));
    }

    private static boolean delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM DeadLetters WHERE DeadLetterId = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public int maxDeliveries(String queue) {
        QueueArguments.requireQueue(queue);
        return tx.read("maxDeliveries", c -> maxDeliveries(c, queue));
    }

    @Override
    public void setMaxDeliveries(String queue, int maxDeliveries) {
        QueueArguments.requireQueue(queue);
        DeadLetters.requireMaxDeliveries(maxDeliveries);
        tx.inTransaction("setMaxDeliveries", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "MERGE INTO QueueSettings (QueueName, MaxDeliveries) KEY (QueueName) VALUES (?, ?)")) {
                ps.setString(1, queue);
                ps.setInt(2, maxDeliveries);
                return ps.executeUpdate();
            }
        });
    }

    static int maxDeliveries(Connection c, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MaxDeliveries FROM QueueSettings WHERE QueueName = ?")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : DEFAULT_MAX_DELIVERIES;
            }
        }
    }

    /** Parks a message in the dead-letter table; the caller removes it from its queue in the same transaction. */
    static void add(Connection c, String queue, String body, String error, int deliveries, Instant firstSeen)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO DeadLetters (QueueName, Body, Error, Deliveries, "
                + "FirstSeen, DeadLetteredAt) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, queue);
            ps.setString(2, body);
            ps.setString(3, DeadLetters.errorText(error));
            ps.setInt(4, deliveries);
            Rows.setInstant(ps, 5, firstSeen);
            Rows.setInstant(ps, 6, Rows.micros(Instant.now()));
            ps.executeUpdate();
        }
    }
}
