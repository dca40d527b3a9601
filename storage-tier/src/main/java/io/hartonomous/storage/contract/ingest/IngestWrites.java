package io.hartonomous.storage.contract.ingest;

import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.NewModel;

import java.util.Optional;

/**
 * The ingest tier's writes. A job is started once per file, written chunk by chunk (each chunk commits entirely or
 * not at all, together with the job's watermark) and then completed or failed. Failing a job removes every row it
 * wrote, so bad input leaves nothing behind.
 */
public interface IngestWrites {
    /** Creates the job and the file's parent atom, or reports that the file is already stored (deduplicated). */
    JobStart startJob(NewJob job);

    /** Registers the model and its tensor table for a model job; calling it again for the job returns the same. */
    Model registerModel(long jobId, NewModel model);

    /**
     * Upserts the chunk's atoms (dedup on ContentHash) and appends its composition and coefficient rows, all in one
     * transaction with the watermark advance. ReferenceCount grows by the number of new rows pointing at each atom;
     * an engine may defer that for atoms that existed before the chunk (the job keeps them from being purged
     * meanwhile), and makes every count exact by {@link #completeJob} (docs/decisions.md, "Occurrences settle when
     * the job completes" and "Existing atoms settle at completion too").
     */
    ChunkReceipt writeChunk(long jobId, Chunk chunk);

    IngestionJob completeJob(long jobId, String metadataJson);

    IngestionJob failJob(long jobId, String error);

    Optional<IngestionJob> job(long jobId);
}
