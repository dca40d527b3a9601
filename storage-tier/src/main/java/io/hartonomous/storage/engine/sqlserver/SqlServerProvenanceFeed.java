package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The provenance feed through Service Broker: graph.sp_EnsureNode / sp_EnsureEdge SEND a GraphChange message in the
 * transaction of each change (sql/074), and this RECEIVEs them with provenance.sp_ReceiveProvenanceSync inside an
 * explicit transaction on one connection: the handler runs while it is open, COMMIT removes the messages and ends
 * their dialogs, ROLLBACK (the handler threw) returns them to the queue. RECEIVE skips conversation groups another
 * receiver holds, so concurrent receivers never share a change. Engine-wide: no tenant in the session (the messages
 * carry theirs). A body that is not a GraphChange (cannot happen unless sql/ and the engine disagree) can never be
 * applied, so it is logged and dropped rather than blocking the feed for ever.
 */
record SqlServerProvenanceFeed(Session session) implements ProvenanceFeed {
    private static final Logger LOG = LoggerFactory.getLogger(SqlServerProvenanceFeed.class);

    record Message(long order, String body) {
    }

    @Override
    public int receive(int maxChanges, Duration wait, Handler handler) {
        ProvenanceFeed.requireReceive(maxChanges, wait, handler);
        int timeout = (int) Math.min(Integer.MAX_VALUE, wait.toMillis());
        Procedure receive = Procedures.RECEIVE_PROVENANCE_SYNC;
        return session.inTransaction(receive.name(), c -> {
            List<Message> messages;
            try (ProcedureCall call = ProcedureCall.prepare(c, receive)) {
                call.setInt("MaxMessages", maxChanges).setInt("TimeoutMilliseconds", timeout);
                messages = call.query(rs -> new Message(rs.getLong("MessageOrder"), rs.getString("Body")));
            }
            List<GraphChange> changes = changes(messages);
            if (!changes.isEmpty()) {
                handler.handle(List.copyOf(changes));
            }
            return changes.size();
        });
    }

    static List<GraphChange> changes(List<Message> messages) {
        Instant now = Instant.now();
        List<GraphChange> changes = new ArrayList<>(messages.size());
        for (Message m : messages) {
            try {
                changes.add(ProvenanceSyncBodies.parse(m.body(), () -> now));
            } catch (IllegalArgumentException e) {
                LOG.error("provenance sync message {} dropped, it is not a graph change ({}): {}", m.order(),
                        e.getMessage(), m.body());
            }
        }
        return changes;
    }
}
