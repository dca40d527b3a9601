package io.hartonomous.storage.contract.inference;

import java.util.List;

/**
 * What a run used, fixed when it starts and never changed: the model's file atom, the weight version it read, the
 * atoms its inputs came from (in input order; empty when every input was inline), the SHA-256 of all its inputs as
 * the model received them, and every tensor it read.
 */
public record InferenceReceipt(long modelAtomId, String weightVersion, List<Long> inputAtoms, String inputSha256,
                               List<ReceiptTensor> tensors) {
    public InferenceReceipt {
        inputAtoms = List.copyOf(inputAtoms);
        tensors = List.copyOf(tensors);
        if (weightVersion == null || weightVersion.isBlank()) {
            throw new IllegalArgumentException("a receipt names the weight version it read");
        }
    }
}
