package io.hartonomous.api.inference;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.contract.inference.InferenceReceipt;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.ReceiptTensor;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON of running models: the request, the answer, and an inference record with its receipt. */
final class InferenceViews {
    private InferenceViews() {
    }

    /**
     * {@code inputs} by input name: {@code {dtype, shape, data}}, {@code {atom, ...options}} or
     * {@code {tensor: {model, name}}}; {@code asOf} ISO-8601, default now; {@code generate}: greedy tokens a LLaMA
     * model generates after its {@code tokens} input (ignored by ONNX models: 0 or absent).
     */
    record RunBody(Map<String, JsonNode> inputs, String asOf, Integer generate) {
    }

    /** A tensor: ONNX element type in lower case, shape outermost first, values row-major. */
    record TensorView(String dtype, long[] shape, Object data) {
    }

    record RunResult(long inferenceId, long modelId, String weightVersion, Map<String, TensorView> outputs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferenceView(long inferenceId, long modelId, String operation, String status, Instant asOf,
                         Instant createdAt, Long durationMs, long units, JsonNode outputs, String error,
                         ReceiptView receipt) {
        static InferenceView of(InferenceRecord r, JsonNode outputs) {
            return new InferenceView(r.inferenceId(), r.modelId(), r.operation(), r.status().name(), r.asOf(),
                    r.createdAt(), r.durationMs(), r.units(), outputs, r.error(), ReceiptView.of(r.receipt()));
        }
    }

    record ReceiptView(long modelAtomId, String weightVersion, List<Long> inputAtoms, String inputSha256,
                       List<ReceiptTensor> tensors) {
        static ReceiptView of(InferenceReceipt r) {
            return new ReceiptView(r.modelAtomId(), r.weightVersion(), r.inputAtoms(), r.inputSha256(), r.tensors());
        }
    }
}
