package io.hartonomous.storage.contract;

/** A connection pool right now: connections in use, idle, open, the configured maximum, and callers waiting. */
public record PoolStats(int active, int idle, int total, int max, int waiting) {
}
