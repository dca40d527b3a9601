package io.hartonomous.api.inference;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceReceipt;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.ReceiptTensor;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON of running models: the request, the answer, and an inference record with its receipt. */
public final class InferenceViews {
    private InferenceViews() {
    }

    /**
     * {@code inputs} by input name: {@code {dtype, shape, data}}, {@code {atom, ...options}} or
     * {@code {tensor: {model, name}}}; {@code asOf} ISO-8601, default now; {@code generate}: greedy tokens a LLaMA
     * model generates after its {@code tokens} input (ignored by ONNX models: 0 or absent).
     */
    public record RunBody(Map<String, JsonNode> inputs, String asOf, Integer generate) {
    }

    /** A tensor: ONNX element type in lower case, shape outermost first, values row-major. */
    public record TensorView(String dtype, long[] shape, Object data) {
    }

    record RunResult(long inferenceId, long modelId, String weightVersion, Map<String, TensorView> outputs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferenceView(long inferenceId, Long modelId, String operation, String status, Instant asOf,
                         Instant createdAt, Long durationMs, long units, JsonNode outputs, String error,
                         ReceiptView receipt, Long parentInferenceId) {
        static InferenceView of(InferenceRecord r, JsonNode outputs) {
            return new InferenceView(r.inferenceId(), r.modelId(), r.operation(), r.status().name(), r.asOf(),
                    r.createdAt(), r.durationMs(), r.units(), outputs, r.error(), ReceiptView.of(r.receipt()),
                    r.parentInferenceId());
        }
    }

    /** A model run's receipt; null for a reasoning run, which has evidence instead. */
    record ReceiptView(long modelAtomId, String weightVersion, List<Long> inputAtoms, String inputSha256,
                       List<ReceiptTensor> tensors) {
        static ReceiptView of(InferenceReceipt r) {
            return r == null ? null
                    : new ReceiptView(r.modelAtomId(), r.weightVersion(), r.inputAtoms(), r.inputSha256(),
                    r.tensors());
        }
    }

    /** The model a run used and the weight version it read (absent for a reasoning run). */
    record ModelUsed(long modelId, long modelAtomId, String weightVersion) {
    }

    /** The candidates a step considered and did not choose. */
    record Alternatives(int step, List<Evidence> candidates) {
    }

    /**
     * What the provenance graph says about a run, the part of an explanation both tiers hold: the model it ran, the
     * atoms it read, the atoms it chose and the atoms it produced (ids ascending).
     */
    record ProvenanceView(Long model, List<Long> read, List<Long> chose, List<Long> produced) {
    }

    /**
     * Why a run gave its result: its evidence with scores, the alternatives of each step it did not choose, the model
     * and weight version when there is one, its children, and its provenance. {@code source} {@code storage} answers
     * from the storage tier; {@code neo4j} answers from the cold tier by Cypher (the run's node carries its evidence,
     * receipt head and parent), the same but for the {@code status}, which only the storage tier keeps.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExplainView(long inferenceId, String operation, String status, String source, ModelUsed model,
                       Long parentInferenceId, List<Long> children, List<Evidence> evidence,
                       List<Alternatives> alternatives, ProvenanceView provenance) {
    }
}
