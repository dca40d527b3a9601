package io.hartonomous.storage.contract.operations;

import java.time.Instant;

/**
 * A message that failed {@code deliveries} times and was taken off its queue so the queue keeps flowing:
 * {@code error} is the last failure, {@code firstSeen} when the message entered its queue. The body is the queue's
 * own (a provenance change is its JSON, see {@link DeadLetters#PROVENANCE_QUEUE}).
 */
public record DeadLetter(long id, String queue, String body, String error, int deliveries, Instant firstSeen,
                         Instant deadLetteredAt) {
}
