package io.hartonomous.storage.contract.ingest;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;

import java.time.Instant;

/**
 * An ingest. {@code chunksCommitted} is the watermark: chunks 0..chunksCommitted-1 are durable, so a resumed job
 * continues with chunk {@code chunksCommitted}. {@code sourcePath} is where the ingest tier spooled the input;
 * {@code childIndex} the frame or page of it the job ingests (null: the whole file).
 */
public record IngestionJob(long jobId, String tenantId, Modality modality, String name, JobState state,
                           long parentAtomId, ContentHash contentHash, int chunksCommitted, long bytesDone,
                           long bytesTotal, long distinctAtoms, long newAtoms, long compositions, String error,
                           String sourcePath, Integer childIndex, Instant createdAt, Instant updatedAt) {
}
