package io.hartonomous.storage.contract.inference;

import java.time.Instant;

/**
 * One run, as recorded: {@code outputSummaryJson} (for a model: names, dtypes, shapes and a digest of each output)
 * once it succeeded, {@code error} once it failed, {@code durationMs} once it ended. A model run names its model and
 * has a receipt; a reasoning run ({@link InferenceStore#beginReasoning}) has neither ({@code modelId} and
 * {@code receipt} null): what it used is its evidence. {@code parentInferenceId} is the run it is a child of (a
 * self-consistency sample), or null.
 */
public record InferenceRecord(long inferenceId, Long modelId, String operation, InferenceStatus status, Instant asOf,
                              Instant createdAt, Long durationMs, long units, String outputSummaryJson, String error,
                              InferenceReceipt receipt, Long parentInferenceId) {
    /** Whether this is a reasoning run (no model). */
    public boolean reasoning() {
        return modelId == null;
    }
}
