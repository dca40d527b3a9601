package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.operations.MessageQueue;
import io.hartonomous.storage.contract.operations.QueueArguments;
import io.hartonomous.storage.contract.operations.QueueMessage;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A queue table: receivers take visible rows with {@code SELECT ... FOR UPDATE SKIP LOCKED}, so concurrent receivers
 * never wait on or take each other's messages, then lease them until completed, abandoned or the lease runs out.
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
            List<QueueMessage> taken = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT MessageId, Body, DeliveryCount, EnqueuedAt "
                    + "FROM QueueMessages WHERE QueueName = ? AND VisibleAfter <= ? ORDER BY MessageId "
                    + "FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                ps.setString(1, queue);
                Rows.setInstant(ps, 2, now);
                ps.setInt(3, maxMessages);
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

    @Override
    public boolean complete(QueueMessage message) {
        return leased(message, "DELETE FROM QueueMessages WHERE MessageId = ? AND LeaseToken = ?");
    }

    @Override
    public boolean abandon(QueueMessage message) {
        return leased(message, "UPDATE QueueMessages SET VisibleAfter = CURRENT_TIMESTAMP, LeaseToken = NULL "
                + "WHERE MessageId = ? AND LeaseToken = ?");
    }

    private boolean leased(QueueMessage message, String sql) {
        return tx.inTransaction("leased", c -> {
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
