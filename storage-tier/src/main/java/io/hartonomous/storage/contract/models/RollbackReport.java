package io.hartonomous.storage.contract.models;

import java.time.Instant;

/** What a rollback changed (or, for a dry run, would change). */
public record RollbackReport(long modelId, Instant to, long coefficientsChanged, boolean dryRun) {
}
