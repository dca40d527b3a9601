package io.hartonomous.storage.contract.models;

import java.time.Instant;

/** A named point in a model's weight history; restoring it rolls the weights back to {@code takenAt}. */
public record Snapshot(long snapshotId, long modelId, String name, Instant takenAt) {
}
