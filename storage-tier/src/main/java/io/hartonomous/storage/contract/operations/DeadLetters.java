package io.hartonomous.storage.contract.operations;

import java.util.List;
import java.util.Optional;

/**
 * Every queue of an engine and its dead letters, engine-wide (not tenant data). A message is dead-lettered when it
 * failed {@link #maxDeliveries(String)} deliveries: on a {@link MessageQueue} when it is abandoned (or its lease runs
 * out) for the last allowed time; on the provenance feed as {@link io.hartonomous.storage.contract.graph.ProvenanceFeed}
 * describes. {@link #retry} puts a dead letter back on its queue as a new message (delivery count zero);
 * {@link #discard} deletes it.
 */
public interface DeadLetters {
    /** The queue name the provenance feed counts and dead-letters under. */
    String PROVENANCE_QUEUE = "provenance-sync";
    /** Deliveries before a message is dead-lettered, for a queue nobody configured. */
    int DEFAULT_MAX_DELIVERIES = 5;
    int MAX_LIST = 1000;
    int MAX_ERROR = 4000;

    /**
     * Every queue the engine has: each general queue that holds messages or dead letters, the provenance feed, and on
     * SQL Server the Service Broker queues (named schema.queue). Ordered by name.
     */
    List<QueueStats> queues();

    /** Up to {@code limit} dead letters, oldest first; {@code queue} null or blank: of every queue. */
    List<DeadLetter> list(String queue, int limit);

    Optional<DeadLetter> find(long id);

    /** Puts the dead letter back on its queue (delivery count reset) and removes it; false when there is no such id. */
    boolean retry(long id);

    /** Deletes the dead letter; false when there is no such id. */
    boolean discard(long id);

    /** How many failed deliveries a message of this queue gets before it is dead-lettered. */
    int maxDeliveries(String queue);

    /** Sets {@link #maxDeliveries(String)} for a queue (at least 1); it survives restarts. */
    void setMaxDeliveries(String queue, int maxDeliveries);

    /** Checks a limit and a delivery count the same way on every engine. */
    static void requireLimit(int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIST + ", got " + limit);
        }
    }

    static void requireMaxDeliveries(int maxDeliveries) {
        if (maxDeliveries < 1 || maxDeliveries > 1000) {
            throw new IllegalArgumentException("maxDeliveries must be between 1 and 1000, got " + maxDeliveries);
        }
    }

    /** An error as stored: never null, at most {@link #MAX_ERROR} characters. */
    static String errorText(String error) {
        String e = error == null || error.isBlank() ? "no error given" : error;
        return e.length() <= MAX_ERROR ? e : e.substring(0, MAX_ERROR);
    }

    /** What a throwable says, as stored with a failed delivery. */
    static String errorText(Throwable t) {
        if (t == null) {
            return errorText((String) null);
        }
        return errorText(t.getClass().getName() + ": " + t.getMessage());
    }
}
