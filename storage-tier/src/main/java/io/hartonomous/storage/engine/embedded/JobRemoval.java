package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ingest.IngestionJob;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Undoes a job inside the caller's transaction: reference counts go back down by exactly what the job added, leaf
 * atoms nothing holds any more ({@link AtomPurges#UNHELD}) are deleted, and so are the job's rows and its parent.
 */
final class JobRemoval {
    private final Connection c;

    JobRemoval(Connection c) {
        this.c = c;
    }

    void removeEverythingWrittenBy(IngestionJob job) throws SQLException {
        long parentId = job.parentAtomId();
        long modelId = modelOf(job.jobId());

        // Segment positions are counted by the parent's dictionary, rows one by one.
        String compositionRefs = "SELECT Id, SUM(N) AS N FROM (SELECT AtomId AS Id, Occurrences AS N "
                + "FROM CompositionDictionary WHERE ParentAtomId = ?1 UNION ALL SELECT ComponentAtomId, COUNT(*) "
                + "FROM AtomCompositionRows WHERE ParentAtomId = ?1 GROUP BY ComponentAtomId) GROUP BY Id";
        // A model's weights are counted by its dictionary.
        String coefficientRefs = "SELECT AtomId AS Id, Occurrences AS N FROM TensorDictionary "
                + "WHERE ModelId = ? AND Occurrences > 0";
        release(compositionRefs, parentId);
        // The parent's own entries would keep its leaves (AtomPurges.UNHELD): they go first, the leaves after them.
        List<Long> composed = ids("SELECT AtomId FROM CompositionDictionary WHERE ParentAtomId = ?1 UNION "
                + "SELECT ComponentAtomId FROM AtomCompositionRows WHERE ParentAtomId = ?1", parentId);
        update("DELETE FROM CompositionSegments WHERE ParentAtomId = ?", parentId);
        update("DELETE FROM CompositionDictionary WHERE ParentAtomId = ?", parentId);
        update("DELETE FROM AtomCompositionRows WHERE ParentAtomId = ?", parentId);
        AtomPurges.announce(c);
        deleteOrphans(composed);

        if (modelId != 0) {
            release(coefficientRefs, modelId);
            update("DELETE FROM TensorSegments WHERE ModelId = ?", modelId);
            update("DELETE FROM TensorSegmentsHistory WHERE ModelId = ?", modelId);
            // The model's own entries must not keep its leaves: gone first, the leaves are purged after them.
            List<Long> listed = ids("SELECT AtomId FROM TensorDictionary WHERE ModelId = ?", modelId);
            update("DELETE FROM TensorDictionary WHERE ModelId = ?", modelId);
            deleteOrphans(listed);
            update("DELETE FROM ModelLayers WHERE ModelId = ?", modelId);
            update("DELETE FROM ModelLayersHistory WHERE ModelId = ?", modelId);
            update("DELETE FROM AtomGraphNodes WHERE NodeKind = 'MODEL' AND RefId = ?", modelId);
            update("DELETE FROM Models WHERE ModelId = ?", modelId);
        }
        update("DELETE FROM AtomGraphNodes WHERE NodeKind IN ('FILE', 'ATOM') AND RefId = ?", parentId);
        update("DELETE FROM AtomGraphNodes WHERE NodeKind = 'JOB' AND RefId = ?", job.jobId());
        // The parent stays only if something else still points at it (a frame another file composes).
        update("DELETE FROM Atoms WHERE AtomId = ? AND " + AtomPurges.UNHELD, parentId);
    }

    private long modelOf(long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ModelId FROM Models WHERE JobId = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private void release(String referenceCounts, long id) throws SQLException {
        update("MERGE INTO Atoms a USING (" + referenceCounts + ") s ON a.AtomId = s.Id "
                + "WHEN MATCHED THEN UPDATE SET ReferenceCount = a.ReferenceCount - s.N", id);
    }

    /** Those of the atoms that are leaves nothing holds any longer. */
    private void deleteOrphans(List<Long> atomIds) throws SQLException {
        Long[] all = atomIds.toArray(new Long[0]);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM Atoms WHERE AtomId IN (SELECT A FROM "
                + "TABLE(A BIGINT = ?)) AND Subtype <> 'file' AND " + AtomPurges.UNHELD)) {
            ArrayPieces.each(all.length, (from, to) -> {
                ps.setObject(1, java.util.Arrays.copyOfRange(all, from, to));
                ps.executeUpdate();
            });
        }
    }

    private List<Long> ids(String sql, long id) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private void update(String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }
}
