package io.hartonomous.storage.contract.deletion;

import io.hartonomous.storage.contract.Tenants;

import java.time.Instant;

/**
 * A request to delete a file atom, and how far it got. {@code ownershipOnly}: another tenant still owns the file (or
 * another file composes it), so only the requesting tenant's ownership went and nothing else is removed.
 * {@code rowsTotal} counts positions, not storage rows: the file's composition positions and its model's weights
 * (and, with {@code erase}, the weight values its history holds, including those the weights' own removal puts there)
 * found when the job started, whether an engine stores them a row each or packed in segments; {@code rowsDone} those
 * removed so far (a batch removes at most its limit of them); {@code leavesPurged} the leaf atoms nothing referenced
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
