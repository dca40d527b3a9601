package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ingest.IngestionJob;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Undoes a job inside the caller's transaction: reference counts go back down by exactly what the job added, leaf
 * atoms nothing points at any more (nor any weight history) are deleted, and so are the job's rows and its parent.
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
        String coefficientRefs = "SELECT TensorAtomId AS Id, COUNT(*) AS N FROM TensorAtomCoefficients "
                + "WHERE ModelId = ? GROUP BY TensorAtomId";
        release(compositionRefs, parentId);
        deleteOrphans("SELECT AtomId FROM CompositionDictionary WHERE ParentAtomId = ?", parentId);
        deleteOrphans("SELECT ComponentAtomId FROM AtomCompositionRows WHERE ParentAtomId = ?", parentId);
        update("DELETE FROM CompositionSegments WHERE ParentAtomId = ?", parentId);
        update("DELETE FROM CompositionDictionary WHERE ParentAtomId = ?", parentId);
        update("DELETE FROM AtomCompositionRows WHERE ParentAtomId = ?", parentId);

        if (modelId != 0) {
            release(coefficientRefs, modelId);
            deleteOrphans("SELECT TensorAtomId FROM TensorAtomCoefficients WHERE ModelId = ?", modelId);
            update("DELETE FROM TensorAtomCoefficients WHERE ModelId = ?", modelId);
            update("DELETE FROM TensorAtomCoefficientsHistory WHERE ModelId = ?", modelId);
            update("DELETE FROM ModelLayers WHERE ModelId = ?", modelId);
            update("DELETE FROM ModelLayersHistory WHERE ModelId = ?", modelId);
            update("DELETE FROM AtomGraphNodes WHERE NodeKind = 'MODEL' AND RefId = ?", modelId);
            update("DELETE FROM Models WHERE ModelId = ?", modelId);
        }
        update("DELETE FROM AtomGraphNodes WHERE NodeKind IN ('FILE', 'ATOM') AND RefId = ?", parentId);
        update("DELETE FROM AtomGraphNodes WHERE NodeKind = 'JOB' AND RefId = ?", job.jobId());
        // The parent stays only if something else still points at it (a frame another file composes).
        update("DELETE FROM Atoms WHERE AtomId = ? AND ReferenceCount = 0", parentId);
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

    private void deleteOrphans(String referencedIds, long id) throws SQLException {
        update("DELETE FROM Atoms WHERE ReferenceCount = 0 AND Subtype <> 'file' AND AtomId IN (" + referencedIds
                + ") AND NOT EXISTS (SELECT 1 FROM TensorAtomCoefficientsHistory h "
                + "WHERE h.TensorAtomId = Atoms.AtomId)", id);
    }

    private void update(String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }
}
