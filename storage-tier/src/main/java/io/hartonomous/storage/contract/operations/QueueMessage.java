package io.hartonomous.storage.contract.operations;

import java.time.Instant;

/**
 * A received message. It stays invisible to other receivers until its lease ends; complete it to remove it, or
 * abandon it to make it visible again at once. {@code leaseToken} proves the receiver still holds it.
 */
public record QueueMessage(long messageId, String queue, String body, int deliveryCount, String leaseToken,
                           Instant enqueuedAt) {
}
