package io.hartonomous.storage.contract.deletion;

import java.util.List;
import java.util.Optional;

/**
 * Deleting files (engine-wide: an admin may delete for any tenant, and a restarted process resumes every tenant's
 * unfinished jobs). A request removes the tenant's ownership at once; when no tenant owns the file any longer, a job
 * removes its rows in bounded batches ({@link #runBatch}), each its own transaction together with the job's
 * progress, so an interrupted job continues where its last committed batch ended and counts stay exact.
 */
public interface Deletions {
    /** Rows removed per transaction unless the caller asks for fewer. */
    int DEFAULT_BATCH = 10_000;

    /**
     * Removes {@code tenantId}'s ownership of the file and starts its deletion if nobody else owns it.
     * {@code erase}: also purge the history rows of the file's weights and layers (GDPR erasure) instead of leaving
     * them to the history retention. NotFoundException when the tenant does not own a file of that id;
     * ConflictException while an ingest of the file is running.
     */
    DeletionJob request(String tenantId, long fileAtomId, boolean erase);

    /** One job of any tenant (the caller checks whose it is). */
    Optional<DeletionJob> job(long jobId);

    /** Removes at most {@code maxRows} rows of a RUNNING job in one transaction; returns the job afterwards. */
    DeletionJob runBatch(long jobId, int maxRows);

    /** RUNNING deletion jobs of every tenant: what a restarted process resumes. */
    List<DeletionJob> unfinished();

    /** Batches until the job is no longer RUNNING. */
    default DeletionJob runToEnd(long jobId, int maxRows) {
        DeletionJob job = runBatch(jobId, maxRows);
        while (!job.finished()) {
            job = runBatch(jobId, maxRows);
        }
        return job;
    }
}
