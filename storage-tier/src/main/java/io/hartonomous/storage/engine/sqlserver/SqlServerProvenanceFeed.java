package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.engine.jdbc.ProvenanceSyncBodies;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.contract.operations.DeadLetters;
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
 * applied, so it is logged and dropped rather than blocking the feed for ever. A batch whose handler throws is
 * charged after the rollback (provenance.sp_RecordSyncFailure, sql/062): a charged change comes back alone and is
 * dead-lettered once it failed as often as allowed (see ProvenanceFeed).
 */
record SqlServerProvenanceFeed(Session session) implements ProvenanceFeed {
    private static final Logger LOG = LoggerFactory.getLogger(SqlServerProvenanceFeed.class);

    record Message(long order, String body, String handle) {
    }

    @Override
    public int receive(int maxChanges, Duration wait, Handler handler) {
        ProvenanceFeed.requireReceive(maxChanges, wait, handler);
        int timeout = (int) Math.min(Integer.MAX_VALUE, wait.toMillis());
        Procedure receive = Procedures.RECEIVE_PROVENANCE_SYNC;
        List<String> handles = new ArrayList<>();
        boolean[] handed = {false};
        try {
            return session.inTransaction(receive.name(), c -> {
                List<Message> messages;
                try (ProcedureCall call = ProcedureCall.prepare(c, receive)) {
                    call.setInt("MaxMessages", maxChanges).setInt("TimeoutMilliseconds", timeout);
                    messages = call.query(rs -> new Message(rs.getLong("MessageOrder"), rs.getString("Body"),
                            rs.getString("ConversationHandle")));
                }
                messages.forEach(m -> handles.add(m.handle()));
                List<GraphChange> changes = changes(messages);
                if (!changes.isEmpty()) {
                    handed[0] = true;
                    handler.handle(List.copyOf(changes));
                }
                return changes.size();
            });
        } catch (RuntimeException e) {
            if (handed[0] && !(e instanceof Unavailable)) {
                charge(handles, e);
            }
            throw e;
        }
    }

    /**
     * After the rollback: one more failure for each change of the batch (provenance.sp_RecordSyncFailure, which also
     * dead-letters what used up its deliveries). Logged, not thrown, if that fails: the handler's error is the news.
     */
    private void charge(List<String> handles, RuntimeException failure) {
        String json = handles.stream().filter(h -> h != null).map(h -> "\"" + h + "\"")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
        try {
            session.single(Procedures.RECORD_SYNC_FAILURE, call -> call.setString("Handles", json)
                    .setString("Error", DeadLetters.errorText(failure)), rs -> rs.getInt("DeadLettered"));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            LOG.warn("could not record a failed provenance delivery: {}", e.toString());
        }
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
