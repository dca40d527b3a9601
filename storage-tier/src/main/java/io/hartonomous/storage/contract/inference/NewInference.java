package io.hartonomous.storage.contract.inference;

import java.time.Instant;

/**
 * A run about to start: the model, what it does ({@code operation}, e.g. {@code onnx.run}), the time its weights are
 * read as of (never null: "now" is the time the caller resolved), how many units it is metered for (input elements
 * or tokens), its receipt, and the reasoning run it is a step of (a chain's model step: one of the tenant's reasoning
 * runs), or null.
 */
public record NewInference(long modelId, String operation, Instant asOf, long units, InferenceReceipt receipt,
                           Long parentInferenceId) {
    public NewInference {
        if (operation == null || operation.isBlank() || asOf == null || receipt == null || units < 0) {
            throw new IllegalArgumentException("a run needs an operation, an asOf time, a receipt and units >= 0");
        }
    }

    /** A run that is no reasoning run's step. */
    public NewInference(long modelId, String operation, Instant asOf, long units, InferenceReceipt receipt) {
        this(modelId, operation, asOf, units, receipt, null);
    }
}
