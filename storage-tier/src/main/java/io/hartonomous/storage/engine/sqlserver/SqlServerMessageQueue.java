package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.contract.operations.MessageQueue;
import io.hartonomous.storage.contract.operations.QueueArguments;
import io.hartonomous.storage.contract.operations.QueueMessage;

import java.time.Duration;
import java.util.List;

/**
 * The lease queue through sql/075: receivers skip rows others hold (READPAST) and lease what they take under a
 * fresh token; a message that used up its deliveries goes to ops.DeadLetters (sql/062). Engine-wide: queues are not tenant data, so the session carries no tenant.
 */
record SqlServerMessageQueue(Session session) implements MessageQueue {
    @Override
    public long enqueue(String queue, String body) {
        QueueArguments.requireQueue(queue);
        QueueArguments.requireBody(body);
        return session.single(Procedures.ENQUEUE_MESSAGE, call -> call.setString("QueueName", queue)
                .setString("Body", body), rs -> rs.getLong("MessageId"));
    }

    @Override
    public List<QueueMessage> receive(String queue, int maxMessages, Duration lease) {
        QueueArguments.requireReceive(queue, maxMessages, lease);
        long millis = Math.max(1, lease.toMillis());
        return session.list(Procedures.RECEIVE_MESSAGES, call -> call.setString("QueueName", queue)
                        .setInt("MaxMessages", maxMessages).setLong("LeaseMilliseconds", millis),
                rs -> new QueueMessage(rs.getLong("MessageId"), rs.getString("QueueName"), rs.getString("Body"),
                        rs.getInt("DeliveryCount"), rs.getString("LeaseToken"),
                        SqlRows.RECORDS.instant(rs, "EnqueuedAt")));
    }

    @Override
    public boolean complete(QueueMessage message) {
        return session.single(Procedures.COMPLETE_MESSAGE, call -> call.setLong("MessageId", message.messageId())
                .setString("LeaseToken", message.leaseToken()), rs -> rs.getBoolean("Done"));
    }

    @Override
    public boolean abandon(QueueMessage message, String error) {
        return session.single(Procedures.ABANDON_MESSAGE, call -> call.setLong("MessageId", message.messageId())
                .setString("LeaseToken", message.leaseToken())
                .setString("Error", error == null ? null : DeadLetters.errorText(error)), rs -> rs.getBoolean("Done"));
    }

    @Override
    public long depth(String queue) {
        QueueArguments.requireQueue(queue);
        return session.single(Procedures.QUEUE_DEPTH, call -> call.setString("QueueName", queue),
                rs -> rs.getLong("Depth"));
    }
}
