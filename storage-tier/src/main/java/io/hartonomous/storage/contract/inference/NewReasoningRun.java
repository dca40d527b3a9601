package io.hartonomous.storage.contract.inference;

import java.util.List;

/**
 * A reasoning run about to start (no model): what it does ({@code operation}, e.g. {@code concepts.discover}), the
 * run it is a child of (a reasoning run of the same tenant, or null), how many units it is metered for, the atoms it
 * started from (in order; they get {@code read} edges like the evidence atoms) and its evidence, in order.
 */
public record NewReasoningRun(String operation, Long parentInferenceId, long units, List<Long> inputAtoms,
                              List<Evidence> evidence) {
    public NewReasoningRun {
        if (operation == null || operation.isBlank() || units < 0) {
            throw new IllegalArgumentException("a reasoning run needs an operation and units >= 0");
        }
        inputAtoms = List.copyOf(inputAtoms);
        evidence = List.copyOf(evidence);
    }
}
