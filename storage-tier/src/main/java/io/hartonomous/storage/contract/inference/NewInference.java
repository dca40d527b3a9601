package io.hartonomous.storage.contract.inference;

import java.time.Instant;

/**
 * A run about to start: the model, what it does ({@code operation}, e.g. {@code onnx.run}), the time its weights are
 * read as of (never null: "now" is the time the caller resolved), how many units it is metered for (input elements
 * or tokens) and its receipt.
 */
public record NewInference(long modelId, String operation, Instant asOf, long units, InferenceReceipt receipt) {
    public NewInference {
        if (operation == null || operation.isBlank() || asOf == null || receipt == null || units < 0) {
            throw new IllegalArgumentException("a run needs an operation, an asOf time, a receipt and units >= 0");
        }
    }
}
