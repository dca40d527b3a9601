package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.deletion.Deletions;
import io.hartonomous.storage.engine.jdbc.DeletionRows;

import java.util.List;
import java.util.Optional;

/**
 * Deleting files through sql/078: each call is one procedure and one transaction; the batch procedure runs as
 * hart_system (it releases shared leaf atoms no tenant's predicate shows) and queues the graph removals for the cold
 * tier. The session has no tenant: the requesting tenant travels as a parameter, since an admin deletes for others.
 */
record SqlServerDeletions(Session engineWide) implements Deletions {
    @Override
    public DeletionJob request(String tenantId, long fileAtomId, boolean erase) {
        return engineWide.single(Procedures.REQUEST_DELETION, call -> call.setString("TenantId", tenantId)
                .setLong("FileAtomId", fileAtomId).setBoolean("Erase", erase), SqlServerDeletions::job);
    }

    @Override
    public Optional<DeletionJob> job(long jobId) {
        return engineWide.one(Procedures.GET_DELETION_JOB, call -> call.setLong("JobId", jobId),
                SqlServerDeletions::job);
    }

    @Override
    public DeletionJob runBatch(long jobId, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("a batch removes at least one row, got " + maxRows);
        }
        return engineWide.one(Procedures.RUN_DELETION_BATCH, call -> call.setLong("JobId", jobId)
                        .setInt("MaxRows", maxRows), SqlServerDeletions::job)
                .orElseThrow(() -> new StorageException("deletion job " + jobId + " vanished"));
    }

    @Override
    public List<DeletionJob> unfinished() {
        return engineWide.list(Procedures.UNFINISHED_DELETIONS, call -> { }, SqlServerDeletions::job);
    }

    private static DeletionJob job(java.sql.ResultSet rs) throws java.sql.SQLException {
        return DeletionRows.job(SqlRows.RECORDS, rs);
    }
}
