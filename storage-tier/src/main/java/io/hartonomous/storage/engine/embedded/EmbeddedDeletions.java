package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.deletion.Deletions;
import io.hartonomous.storage.engine.jdbc.DeletionRows;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deleting files on H2 (table DeletionJobs, script 130). A request removes the tenant's ownership; when nobody owns
 * the file any longer it takes a detached content hash (so a re-ingest of the same bytes starts afresh) and a job
 * removes its rows a batch at a time: compositions (segment positions, then rows of the row table), then the model's
 * tensor segments (moved to history), then (erase) their history and the model's dictionary, then the rest at once
 * (embeddings, graph nodes and edges with their removals queued for the cold tier, the model's inference records and
 * receipts, layers, model, the file atom). Each batch is one transaction that also advances the job's counters, so a
 * resumed job neither repeats nor skips a position. Reference counts go down by exactly the positions removed; leaves
 * are released with {@link AtomRelease}, the same lock order writers use.
 */
record EmbeddedDeletions(UnitOfWork tx) implements Deletions {

    /** What a job does next, in this order; the row's Phase column. */
    private enum Phase { COMPOSITIONS, COEFFICIENTS, HISTORY, FINISH, DONE }

    /** The row of a job as a batch needs it. */
    private record Work(DeletionJob job, long modelId, Phase phase) {
    }

    @Override
    public DeletionJob request(String tenantId, long fileAtomId, boolean erase) {
        return tx.inTransaction("requestDeletion", c -> {
            long references;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT ReferenceCount, Subtype FROM Atoms WHERE AtomId = ? FOR UPDATE")) {
                ps.setLong(1, fileAtomId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notFound(fileAtomId);
                    }
                    if (!"file".equals(rs.getString(2))) {
                        throw notAFile(fileAtomId);
                    }
                    references = rs.getLong(1);
                }
            }
            // Ownership first: whether someone else's file is being ingested is not the caller's business.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM AtomOwners WHERE AtomId = ? AND TenantId = ?")) {
                ps.setLong(1, fileAtomId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notFound(fileAtomId);
                    }
                }
            }
            if (count(c, "SELECT COUNT(*) FROM IngestionJobs WHERE ParentAtomId = ? AND State = 'RUNNING'",
                    fileAtomId) > 0) {
                throw new ConflictException("file " + fileAtomId + " is being ingested right now; delete it when "
                        + "that job has finished");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM AtomOwners WHERE AtomId = ? AND TenantId = ?")) {
                ps.setLong(1, fileAtomId);
                ps.setString(2, tenantId);
                ps.executeUpdate();
            }
            long modelId = count(c, "SELECT COALESCE(MAX(ModelId), 0) FROM Models WHERE ParentAtomId = ?",
                    fileAtomId);
            // What the tenant itself wrote about the file goes at once, whoever else still owns it.
            removeGraph(c, fileAtomId, modelId, tenantId);
            if (modelId != 0) {
                InferencePurge.purge(c, modelId, tenantId);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM AtomEmbeddings WHERE AtomId = ? AND TenantId = ?")) {
                ps.setLong(1, fileAtomId);
                ps.setString(2, tenantId);
                ps.executeUpdate();
            }
            if (erase) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM IngestionJobs WHERE ParentAtomId = ? "
                        + "AND TenantId = ? AND State <> 'RUNNING'")) {
                    ps.setLong(1, fileAtomId);
                    ps.setString(2, tenantId);
                    ps.executeUpdate();
                }
            }
            // Content another tenant still owns, or another file composes, stays: only this ownership went.
            boolean ownershipOnly = references > 0
                    || count(c, "SELECT COUNT(*) FROM AtomOwners WHERE AtomId = ?", fileAtomId) > 0;
            long total = 0;
            if (!ownershipOnly) {
                total = new SegmentRemoval(c, fileAtomId).positions()
                        + count(c, "SELECT COUNT(*) FROM AtomCompositionRows WHERE ParentAtomId = ?", fileAtomId);
                if (modelId != 0) {
                    TensorSegmentRemoval tensors = new TensorSegmentRemoval(c, modelId);
                    long weights = tensors.weights();
                    // Erasing also removes the history, including the versions the weights' own removal adds.
                    total += weights + (erase ? weights + tensors.historyValues() : 0);
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE Atoms SET ContentHash = ? WHERE AtomId = ?")) {
                    ps.setBytes(1, DeletionRows.detachedHash(fileAtomId));
                    ps.setLong(2, fileAtomId);
                    ps.executeUpdate();
                }
            }
            long jobId;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO DeletionJobs (TenantId, FileAtomId, ModelId, "
                    + "State, Phase, Erase, OwnershipOnly, RowsTotal) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, tenantId);
                ps.setLong(2, fileAtomId);
                ps.setObject(3, modelId == 0 ? null : modelId, java.sql.Types.BIGINT);
                ps.setString(4, ownershipOnly ? "COMPLETED" : "RUNNING");
                ps.setString(5, (ownershipOnly ? Phase.DONE : Phase.COMPOSITIONS).name());
                ps.setBoolean(6, erase);
                ps.setBoolean(7, ownershipOnly);
                ps.setLong(8, total);
                ps.executeUpdate();
                jobId = EmbeddedIngestWrites.generatedKey(ps);
            }
            return load(c, jobId, "").orElseThrow().job();
        });
    }

    @Override
    public Optional<DeletionJob> job(long jobId) {
        return tx.read("deletionJob", c -> load(c, jobId, "").map(Work::job));
    }

    @Override
    public List<DeletionJob> unfinished() {
        return tx.read("unfinishedDeletions", c -> {
            List<DeletionJob> jobs = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DeletionRows.COLUMNS
                    + " FROM DeletionJobs WHERE State = 'RUNNING' ORDER BY JobId");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(DeletionRows.job(Rows.RECORDS, rs));
                }
            }
            return jobs;
        });
    }

    @Override
    public DeletionJob runBatch(long jobId, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("a batch removes at least one row, got " + maxRows);
        }
        return tx.inTransaction("runDeletionBatch", c -> {
            // The lock on the job row serialises its batches (two resuming processes cannot both run one).
            Work work = load(c, jobId, " FOR UPDATE")
                    .orElseThrow(() -> new NotFoundException("deletion job " + jobId + " not found"));
            if (work.job().finished()) {
                return work.job();
            }
            long file = work.job().fileAtomId();
            AtomRelease release = new AtomRelease(c);
            Phase next = work.phase();
            long rows = 0;
            switch (work.phase()) {
                case COMPOSITIONS -> {
                    rows = compositions(c, release, file, maxRows);
                    if (rows == 0) {
                        next = work.modelId() != 0 ? Phase.COEFFICIENTS : Phase.FINISH;
                    }
                }
                case COEFFICIENTS -> {
                    rows = new TensorSegmentRemoval(c, work.modelId()).retire(maxRows, release);
                    release.apply();
                    if (rows == 0) {
                        next = work.job().erase() ? Phase.HISTORY : Phase.FINISH;
                    }
                }
                case HISTORY -> {
                    // The versions first, then the dictionary they point into (its leaves purged with it).
                    TensorSegmentRemoval tensors = new TensorSegmentRemoval(c, work.modelId());
                    rows = tensors.dropVersions(maxRows);
                    if (rows == 0 && tensors.dropDictionary(maxRows, release) == 0) {
                        next = Phase.FINISH;
                    }
                    release.apply();
                }
                case FINISH -> {
                    finish(c, work);
                    next = Phase.DONE;
                }
                case DONE -> throw new IllegalStateException("a running job is never done");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE DeletionJobs SET Phase = ?, State = ?, "
                    + "RowsDone = RowsDone + ?, LeavesPurged = LeavesPurged + ?, UpdatedAt = CURRENT_TIMESTAMP "
                    + "WHERE JobId = ?")) {
                ps.setString(1, next.name());
                ps.setString(2, next == Phase.DONE ? "COMPLETED" : "RUNNING");
                ps.setLong(3, rows);
                ps.setLong(4, release.purged());
                ps.setLong(5, jobId);
                ps.executeUpdate();
            }
            return load(c, jobId, "").orElseThrow().job();
        });
    }

    /**
     * The file's first positions: from its segments (whole ones, then the head of the next, {@link SegmentRemoval}),
     * then from the row table in sequence order (one contiguous key range, deleted as such).
     */
    private static long compositions(Connection c, AtomRelease release, long file, int maxRows) throws SQLException {
        long removed = new SegmentRemoval(c, file).removeFirst(maxRows, release);
        if (removed == maxRows) {
            release.apply();
            return removed;
        }
        long first = -1;
        long last = -1;
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT ComponentAtomId, SequenceIndex FROM AtomCompositionRows "
                + "WHERE ParentAtomId = ? ORDER BY SequenceIndex FETCH FIRST ? ROWS ONLY")) {
            ps.setLong(1, file);
            ps.setLong(2, maxRows - removed);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    release.add(rs.getLong(1));
                    last = rs.getLong(2);
                    if (first < 0) {
                        first = last;
                    }
                    rows++;
                }
            }
        }
        if (rows > 0) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM AtomCompositionRows WHERE ParentAtomId = ? "
                    + "AND SequenceIndex BETWEEN ? AND ?")) {
                ps.setLong(1, file);
                ps.setLong(2, first);
                ps.setLong(3, last);
                if (ps.executeUpdate() != rows) {
                    throw new SQLException("the compositions of file " + file + " changed during its deletion");
                }
            }
        }
        release.apply();
        return removed + rows;
    }

    /** Everything else of the file, at once (a handful of rows): graph, embeddings, layers, model, the atom. */
    private static void finish(Connection c, Work work) throws SQLException {
        long file = work.job().fileAtomId();
        long modelId = work.modelId();
        removeGraph(c, file, modelId, null);
        update(c, "DELETE FROM AtomEmbeddings WHERE AtomId = ?", file);
        if (modelId != 0) {
            InferencePurge.purge(c, modelId, null);
            update(c, "DELETE FROM ModelLayers WHERE ModelId = ?", modelId);
            update(c, "DELETE FROM Models WHERE ModelId = ?", modelId);
            if (work.job().erase()) {
                update(c, "DELETE FROM ModelLayersHistory WHERE ModelId = ?", modelId);
            }
        }
        if (work.job().erase()) {
            // The jobs' names and source paths describe the file too.
            update(c, "DELETE FROM IngestionJobs WHERE ParentAtomId = ? AND State <> 'RUNNING'", file);
        }
        AtomPurges.announce(c);
        update(c, "DELETE FROM Atoms WHERE AtomId = ? AND " + AtomPurges.UNHELD, file);
    }

    /**
     * The file's graph nodes (its file, atom and embedding nodes, its model's, its jobs') of one tenant, or of every
     * tenant when {@code tenant} is null, with their edges; each removal is queued for the cold tier first.
     */
    private static void removeGraph(Connection c, long file, long modelId, String tenant) throws SQLException {
        List<Long> nodes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT NodeId FROM AtomGraphNodes "
                + "WHERE ((NodeKind IN ('FILE', 'ATOM', 'EMBEDDING') AND RefId = ?) OR (NodeKind = 'MODEL' AND RefId = ?) "
                + "OR (NodeKind = 'JOB' AND RefId IN (SELECT JobId FROM IngestionJobs WHERE ParentAtomId = ?)))"
                + (tenant == null ? "" : " AND TenantId = ?") + " ORDER BY NodeId")) {
            ps.setLong(1, file);
            ps.setLong(2, modelId == 0 ? -1 : modelId);
            ps.setLong(3, file);
            if (tenant != null) {
                ps.setString(4, tenant);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nodes.add(rs.getLong(1));
                }
            }
        }
        for (long node : nodes) {
            ProvenanceChanges.enqueueRemoval(c, node);
            update(c, "DELETE FROM AtomGraphNodes WHERE NodeId = ?", node);
        }
    }

    private static Optional<Work> load(Connection c, long jobId, String lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + DeletionRows.COLUMNS
                + ", ModelId, Phase FROM DeletionJobs WHERE JobId = ?" + lock)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Work(DeletionRows.job(Rows.RECORDS, rs), rs.getLong("ModelId"),
                        Phase.valueOf(rs.getString("Phase"))));
            }
        }
    }

    private static NotFoundException notFound(long fileAtomId) {
        return new NotFoundException("file " + fileAtomId + " not found");
    }

    private static ConflictException notAFile(long atomId) {
        return new ConflictException("atom " + atomId + " is a leaf value, not a file: leaves are shared content and "
                + "go by themselves once no file references them");
    }

    private static long count(Connection c, String sql, long id) throws SQLException {
        return EmbeddedIngestWrites.countDistinct(c, sql, id);
    }

    private static void update(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }
}
