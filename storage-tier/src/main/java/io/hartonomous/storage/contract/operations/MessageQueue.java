package io.hartonomous.storage.contract.operations;

import java.time.Duration;
import java.util.List;

/**
 * A durable queue with leases: each message goes to one receiver at a time; if it is neither completed nor abandoned
 * before its lease ends it becomes visible again (at-least-once; complete is idempotent). Every receive counts a
 * delivery of the message ({@link QueueMessage#deliveryCount()}). A message abandoned on its last allowed delivery
 * ({@link DeadLetters#maxDeliveries(String)}, default {@value DeadLetters#DEFAULT_MAX_DELIVERIES}) goes to the
 * dead-letter table with the error it was abandoned with instead of becoming visible again; one whose lease ran out
 * that often (its receiver died or hung each time) is dead-lettered by the next receive instead of being delivered.
 * Either way the messages behind it keep flowing.
 */
public interface MessageQueue {
    long enqueue(String queue, String body);

    List<QueueMessage> receive(String queue, int maxMessages, Duration lease);

    /** Removes the message; false if the lease was lost (another receiver may have it now). */
    boolean complete(QueueMessage message);

    /** Makes the message visible again now (no error recorded); false if the lease was lost. */
    default boolean abandon(QueueMessage message) {
        return abandon(message, null);
    }

    /**
     * Gives the message up because handling it failed with {@code error}: it becomes visible again now, or, when this
     * was its last allowed delivery, moves to the dead-letter table with {@code error}. False if the lease was lost.
     */
    boolean abandon(QueueMessage message, String error);

    long depth(String queue);
}
