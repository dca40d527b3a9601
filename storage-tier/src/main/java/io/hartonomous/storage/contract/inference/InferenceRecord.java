package io.hartonomous.storage.contract.inference;

import java.time.Instant;

/**
 * One run of a model, as recorded: {@code outputSummaryJson} (names, dtypes, shapes and a digest of each output) once
 * it succeeded, {@code error} once it failed, {@code durationMs} once it ended.
 */
public record InferenceRecord(long inferenceId, long modelId, String operation, InferenceStatus status, Instant asOf,
                              Instant createdAt, Long durationMs, long units, String outputSummaryJson, String error,
                              InferenceReceipt receipt) {
}
