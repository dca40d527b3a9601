package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.contract.operations.MessageQueue;
import io.hartonomous.storage.contract.operations.QueueArguments;
import io.hartonomous.storage.contract.operations.QueueMessage;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A queue table: receivers take visible rows with {@code SELECT ... FOR UPDATE SKIP LOCKED}, so concurrent receivers
 * never wait on or take each other's messages, then lease them until completed, abandoned or the lease runs out.
 * Each receive first moves visible messages that used up their deliveries (their leases ran out that often) to the
 * dead-letter table, so what it returns are messages that may still be tried.
 */
record EmbeddedMessageQueue(UnitOfWork tx) implements MessageQueue {
    @Override
    public long enqueue(String queue, String body) {
        QueueArguments.requireQueue(queue);
        QueueArguments.requireBody(body);
        return tx.inTransaction("enqueue", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO QueueMessages (QueueName, Body) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, queue);
                ps.setString(2, body);
                ps.executeUpdate();
                return EmbeddedIngestWrites.generatedKey(ps);
            }
        });
    }

    @Override
    public List<QueueMessage> receive(String queue, int maxMessages, Duration lease) {
        QueueArguments.requireReceive(queue, maxMessages, lease);
        return tx.inTransaction("receive", c -> {
            Instant now = Rows.micros(Instant.now());
            int maxDeliveries = EmbeddedDeadLetters.maxDeliveries(c, queue);
            deadLetterExpired(c, queue, now, maxDeliveries);
            List<QueueMessage> taken = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT MessageId, Body, DeliveryCount, EnqueuedAt "
                    + "FROM QueueMessages WHERE QueueName = ? AND VisibleAfter <= ? AND DeliveryCount < ? "
                    + "ORDER BY MessageId FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                ps.setString(1, queue);
                Rows.setInstant(ps, 2, now);
                ps.setInt(3, maxDeliveries);
                ps.setInt(4, maxMessages);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        taken.add(new QueueMessage(rs.getLong("MessageId"), queue, rs.getString("Body"),
                                rs.getInt("DeliveryCount") + 1, UUID.randomUUID().toString(),
                                Rows.RECORDS.instant(rs, "EnqueuedAt")));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE QueueMessages SET VisibleAfter = ?, "
                    + "DeliveryCount = ?, LeaseToken = ? WHERE MessageId = ?")) {
                for (QueueMessage m : taken) {
                    Rows.setInstant(ps, 1, now.plus(lease));
                    ps.setInt(2, m.deliveryCount());
                    ps.setString(3, m.leaseToken());
                    ps.setLong(4, m.messageId());
                    ps.addBatch();
                }
                if (!taken.isEmpty()) {
                    ps.executeBatch();
                }
            }
            return taken;
        });
    }

    /** Messages whose leases ran out on their last allowed delivery: dead letters now. */
    private static void deadLetterExpired(Connection c, String queue, Instant now, int maxDeliveries)
            throws SQLException {
        List<Long> expired = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT MessageId, Body, DeliveryCount, EnqueuedAt, LastError "
                + "FROM QueueMessages WHERE QueueName = ? AND VisibleAfter <= ? AND DeliveryCount >= ? "
                + "ORDER BY MessageId FOR UPDATE SKIP LOCKED")) {
            ps.setString(1, queue);
            Rows.setInstant(ps, 2, now);
            ps.setInt(3, maxDeliveries);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int deliveries = rs.getInt("DeliveryCount");
                    String last = rs.getString("LastError");
                    EmbeddedDeadLetters.add(c, queue, rs.getString("Body"), "its lease ran out on delivery "
                            + deliveries + (last == null ? "" : "; last error: " + last), deliveries,
                            Rows.RECORDS.instant(rs, "EnqueuedAt"));
                    expired.add(rs.getLong("MessageId"));
                }
            }
        }
        deleteMessages(c, expired);
    }

    private static void deleteMessages(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM QueueMessages WHERE MessageId = ?")) {
            for (long id : ids) {
                ps.setLong(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public boolean complete(QueueMessage message) {
        return leased(message, "DELETE FROM QueueMessages WHERE MessageId = ? AND LeaseToken = ?");
    }

    @Override
    public boolean abandon(QueueMessage message, String error) {
        return tx.inTransaction("abandon", c -> {
            int deliveries;
            String queue;
            String body;
            Instant enqueuedAt;
            try (PreparedStatement ps = c.prepareStatement("SELECT QueueName, Body, DeliveryCount, EnqueuedAt "
                    + "FROM QueueMessages WHERE MessageId = ? AND LeaseToken = ? FOR UPDATE")) {
                ps.setLong(1, message.messageId());
                ps.setString(2, message.leaseToken());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    queue = rs.getString("QueueName");
                    body = rs.getString("Body");
                    deliveries = rs.getInt("DeliveryCount");
                    enqueuedAt = Rows.RECORDS.instant(rs, "EnqueuedAt");
                }
            }
            if (deliveries >= EmbeddedDeadLetters.maxDeliveries(c, queue)) {
                EmbeddedDeadLetters.add(c, queue, body, error, deliveries, enqueuedAt);
                deleteMessages(c, List.of(message.messageId()));
                return true;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE QueueMessages SET VisibleAfter = ?, "
                    + "LeaseToken = NULL, LastError = ? WHERE MessageId = ?")) {
                Rows.setInstant(ps, 1, Rows.micros(Instant.now()));
                ps.setString(2, error == null ? null : DeadLetters.errorText(error));
                ps.setLong(3, message.messageId());
                return ps.executeUpdate() == 1;
            }
        });
    }

    private boolean leased(QueueMessage message, String sql) {
        return tx.inTransaction("complete", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, message.messageId());
                ps.setString(2, message.leaseToken());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public long depth(String queue) {
        QueueArguments.requireQueue(queue);
        return tx.read("depth", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM QueueMessages WHERE QueueName = ?")) {
                ps.setString(1, queue);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
