package io.hartonomous.api.jobs;

import io.hartonomous.storage.contract.deletion.DeletionJob;

import java.time.Instant;

/**
 * A background job's progress, shaped like the ingest tier's {@code GET /ingest/jobs/{id}}: state, counts done of
 * total, error. {@code kind} is "deletion" (the only kind the API runs).
 */
public record JobView(long jobId, String kind, String tenant, String state, long atomId, boolean erase,
                      boolean ownershipOnly, long rowsDone, long rowsTotal, long leavesPurged, String error,
                      Instant createdAt, Instant updatedAt) {
    static JobView of(DeletionJob j) {
        return new JobView(j.jobId(), "deletion", j.tenantId(), j.state().name(), j.fileAtomId(), j.erase(),
                j.ownershipOnly(), j.rowsDone(), j.rowsTotal(), j.leavesPurged(), j.error(), j.createdAt(),
                j.updatedAt());
    }
}
