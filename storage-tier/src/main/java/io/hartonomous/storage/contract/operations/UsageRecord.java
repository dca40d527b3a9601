package io.hartonomous.storage.contract.operations;

import java.time.Instant;

/** One billable use: who, what operation, how many units, when. */
public record UsageRecord(String tenantId, String operation, long units, Instant recordedAt) {
}
