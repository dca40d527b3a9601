package io.hartonomous.storage.contract.inference;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Inference records and their receipts (the tenant's own only). {@link #begin} writes the RUNNING record, its receipt
 * and the provenance node of kind {@code INFERENCE} with edges to the model ({@code RAN}) and to each input atom
 * ({@code READ}) in one unit of work; {@link #succeed} or {@link #fail} ends it, with edges to atoms it produced
 * ({@code PRODUCED}). A reasoning run ({@link #beginReasoning}) has evidence instead of a model and a receipt.
 * The graph changes reach Neo4j through the provenance feed like every other.
 */
public interface InferenceStore {
    /** Starts a run's record; the model must exist and be visible (NotFoundException otherwise). */
    InferenceRecord begin(NewInference run);

    /**
     * Starts a reasoning run's record (no model, no receipt): the RUNNING record, its evidence, and the INFERENCE
     * node with {@code read} edges to each distinct input and evidence atom and {@code chose} edges to each distinct
     * atom it chose, in one unit of work. NotFoundException for an atom the tenant does not see or a parent that is
     * not one of its reasoning runs.
     */
    InferenceRecord beginReasoning(NewReasoningRun run);

    /** A run's evidence in the order it was written; empty for a model run or an unknown id. */
    List<Evidence> evidence(long inferenceId);

    /** The runs whose parent is this one, oldest first; empty when there are none. */
    List<InferenceRecord> children(long inferenceId);

    /** Ends a RUNNING record as SUCCEEDED; ConflictException if it already ended. */
    InferenceRecord succeed(long inferenceId, long durationMs, String outputSummaryJson, List<Long> producedAtoms);

    /** Ends a RUNNING record as FAILED with what went wrong; ConflictException if it already ended. */
    InferenceRecord fail(long inferenceId, long durationMs, String error);

    Optional<InferenceRecord> byId(long inferenceId);

    /** Newest first; {@code modelId} and {@code since} (inclusive, by creation) null for any; 1-1000 records. */
    List<InferenceRecord> list(Long modelId, Instant since, int limit);
}
