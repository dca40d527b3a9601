package io.hartonomous.storage.contract.inference;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Inference records and their receipts (the tenant's own only). {@link #begin} writes the RUNNING record, its receipt
 * and the provenance node of kind {@code INFERENCE} with edges to the model ({@code RAN}) and to each input atom
 * ({@code READ}) in one unit of work; {@link #succeed} or {@link #fail} ends it, with edges to atoms it produced
 * ({@code PRODUCED}). The graph changes reach Neo4j through the provenance feed like every other.
 */
public interface InferenceStore {
    /** Starts a run's record; the model must exist and be visible (NotFoundException otherwise). */
    InferenceRecord begin(NewInference run);

    /** Ends a RUNNING record as SUCCEEDED; ConflictException if it already ended. */
    InferenceRecord succeed(long inferenceId, long durationMs, String outputSummaryJson, List<Long> producedAtoms);

    /** Ends a RUNNING record as FAILED with what went wrong; ConflictException if it already ended. */
    InferenceRecord fail(long inferenceId, long durationMs, String error);

    Optional<InferenceRecord> byId(long inferenceId);

    /** Newest first; {@code modelId} and {@code since} (inclusive, by creation) null for any; 1-1000 records. */
    List<InferenceRecord> list(Long modelId, Instant since, int limit);
}
