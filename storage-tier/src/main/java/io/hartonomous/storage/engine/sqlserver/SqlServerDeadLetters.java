package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.operations.DeadLetter;
import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.contract.operations.QueueArguments;
import io.hartonomous.storage.contract.operations.QueueStats;

import java.util.List;
import java.util.Optional;

/**
 * Dead letters and queue figures through sql/062: ops.DeadLetters, ops.QueueSettings, and ops.sp_QueueStats over the
 * general queues, the provenance feed and the Service Broker queues. Engine-wide: no tenant in the session.
 */
record SqlServerDeadLetters(Session session) implements DeadLetters {
    @Override
    public List<QueueStats> queues() {
        return session.list(Procedures.QUEUE_STATS, call -> { }, rs -> new QueueStats(rs.getString("QueueName"),
                rs.getLong("Depth"), rs.getLong("OldestAgeSeconds"), rs.getLong("DeadLetters")));
    }

    @Override
    public List<DeadLetter> list(String queue, int limit) {
        DeadLetters.requireLimit(limit);
        String name = queue == null || queue.isBlank() ? null : QueueArguments.requireQueue(queue);
        return session.list(Procedures.LIST_DEAD_LETTERS, call -> call.setString("QueueName", name)
                .setInt("Limit", limit), SqlServerDeadLetters::letter);
    }

    @Override
    public Optional<DeadLetter> find(long id) {
        return session.one(Procedures.GET_DEAD_LETTER, call -> call.setLong("DeadLetterId", id),
                SqlServerDeadLetters::letter);
    }

    private static DeadLetter letter(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new DeadLetter(rs.getLong("DeadLetterId"), rs.getString("QueueName"), rs.getString("Body"),
                rs.getString("Error"), rs.getInt("Deliveries"), SqlRows.RECORDS.instant(rs, "FirstSeen"),
                SqlRows.RECORDS.instant(rs, "DeadLetteredAt"));
    }

    @Override
    public boolean retry(long id) {
        return session.single(Procedures.RETRY_DEAD_LETTER, call -> call.setLong("DeadLetterId", id),
                rs -> rs.getBoolean("Done"));
    }

    @Override
    public boolean discard(long id) {
        return session.single(Procedures.DISCARD_DEAD_LETTER, call -> call.setLong("DeadLetterId", id),
                rs -> rs.getBoolean("Done"));
    }

    @Override
    public int maxDeliveries(String queue) {
        QueueArguments.requireQueue(queue);
        return session.single(Procedures.GET_MAX_DELIVERIES, call -> call.setString("QueueName", queue),
                rs -> rs.getInt("MaxDeliveries"));
    }

    @Override
    public void setMaxDeliveries(String queue, int maxDeliveries) {
        QueueArguments.requireQueue(queue);
        DeadLetters.requireMaxDeliveries(maxDeliveries);
        session.execute(Procedures.SET_MAX_DELIVERIES, call -> call.setString("QueueName", queue)
                .setInt("MaxDeliveries", maxDeliveries));
    }
}
