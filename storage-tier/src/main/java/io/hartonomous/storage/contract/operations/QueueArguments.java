package io.hartonomous.storage.contract.operations;

import java.time.Duration;

/** What every {@link MessageQueue} accepts, checked the same way on every engine. */
public final class QueueArguments {
    public static final int MAX_QUEUE_NAME = 128;
    public static final int MAX_BATCH = 1000;

    private QueueArguments() {
    }

    public static String requireQueue(String queue) {
        if (queue == null || queue.isBlank() || queue.length() > MAX_QUEUE_NAME) {
            throw new IllegalArgumentException("a queue name is 1-" + MAX_QUEUE_NAME + " characters");
        }
        return queue;
    }

    public static String requireBody(String body) {
        if (body == null) {
            throw new IllegalArgumentException("a message needs a body");
        }
        return body;
    }

    public static void requireReceive(String queue, int maxMessages, Duration lease) {
        requireQueue(queue);
        if (maxMessages < 1 || maxMessages > MAX_BATCH) {
            throw new IllegalArgumentException("maxMessages must be between 1 and " + MAX_BATCH);
        }
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("a lease must be positive");
        }
    }
}
