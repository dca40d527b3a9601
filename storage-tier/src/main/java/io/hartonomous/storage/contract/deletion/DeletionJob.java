package io.hartonomous.storage.contract.deletion;

import io.hartonomous.storage.contract.Tenants;

import java.time.Instant;

/**
 * A request to delete a file atom, and how far it got. {@code ownershipOnly}: another tenant still owns the file (or
 * another file composes it), so only the requesting tenant's ownership went and nothing else is removed.
 * {@code rowsTotal} counts the composition and coefficient rows (and, with {@code erase}, the history rows) found
 * when the job started; {@code rowsDone} those removed so far; {@code leavesPurged} the leaf atoms nothing referenced
 * any longer and that were deleted with them.
 */
public record DeletionJob(long jobId, String tenantId, long fileAtomId, DeletionState state, boolean erase,
                          boolean ownershipOnly, long rowsDone, long rowsTotal, long leavesPurged, String error,
                          Instant createdAt, Instant updatedAt) {
    public DeletionJob {
        Tenants.requireValid(tenantId);
        if (state == null) {
            throw new IllegalArgumentException("a deletion job has a state");
        }
    }

    public boolean finished() {
        return state != DeletionState.RUNNING;
    }
}
