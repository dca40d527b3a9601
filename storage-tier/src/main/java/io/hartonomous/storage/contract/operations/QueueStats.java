package io.hartonomous.storage.contract.operations;

/**
 * One queue of the engine as an operator sees it: {@code depth} messages waiting or leased, the oldest of them
 * {@code oldestAgeSeconds} old (0 when empty), and {@code deadLetters} messages of it parked in the dead-letter table.
 */
public record QueueStats(String queue, long depth, long oldestAgeSeconds, long deadLetters) {
}
