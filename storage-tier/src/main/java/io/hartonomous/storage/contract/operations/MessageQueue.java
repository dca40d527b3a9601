package io.hartonomous.storage.contract.operations;

import java.time.Duration;
import java.util.List;

/**
 * A durable queue with leases: each message goes to one receiver at a time; if it is neither completed nor abandoned
 * before its lease ends it becomes visible again (at-least-once; complete is idempotent).
 */
public interface MessageQueue {
    long enqueue(String queue, String body);

    List<QueueMessage> receive(String queue, int maxMessages, Duration lease);

    /** Removes the message; false if the lease was lost (another receiver may have it now). */
    boolean complete(QueueMessage message);

    /** Makes the message visible again now; false if the lease was lost. */
    boolean abandon(QueueMessage message);

    long depth(String queue);
}
