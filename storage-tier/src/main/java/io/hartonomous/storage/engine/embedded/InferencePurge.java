package io.hartonomous.storage.engine.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes a model's runs (records, receipts, their INFERENCE graph nodes with removals queued for the cold tier)
 * inside the caller's transaction: what deleting the model's file does ({@link EmbeddedDeletions}). The session
 * variable it sets while deleting is what {@link ReceiptGuard} lets through, for this model only.
 */
final class InferencePurge {
    private static final String VARIABLE = "@HART_PURGE_MODEL";

    private InferencePurge() {
    }

    /** The model whose runs this session is removing right now, or null. */
    static Long modelBeingPurged(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + VARIABLE);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getObject(1, Long.class) : null;
        }
    }

    /** The runs of {@code modelId} by {@code tenant}, or by every tenant when it is null. */
    static void purge(Connection c, long modelId, String tenant) throws SQLException {
        String ofModel = "SELECT InferenceId FROM Inferences WHERE ModelId = ?"
                + (tenant == null ? "" : " AND TenantId = ?");
        List<Long> nodes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT NodeId FROM AtomGraphNodes WHERE NodeKind = 'INFERENCE' "
                + "AND RefId IN (" + ofModel + ") ORDER BY NodeId")) {
            bind(ps, modelId, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nodes.add(rs.getLong(1));
                }
            }
        }
        for (long node : nodes) {
            ProvenanceChanges.enqueueRemoval(c, node);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM AtomGraphNodes WHERE NodeId = ?")) {
                ps.setLong(1, node);
                ps.executeUpdate();
            }
        }
        setVariable(c, modelId);
        try {
            for (String table : new String[] {"InferenceEvidence", "InferenceInputAtoms", "InferenceReceiptTensors",
                    "InferenceReceipts"}) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE InferenceId IN ("
                        + ofModel + ")")) {
                    bind(ps, modelId, tenant);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM Inferences WHERE ModelId = ?"
                    + (tenant == null ? "" : " AND TenantId = ?"))) {
                bind(ps, modelId, tenant);
                ps.executeUpdate();
            }
        } finally {
            setVariable(c, null);
        }
    }

    private static void bind(PreparedStatement ps, long modelId, String tenant) throws SQLException {
        ps.setLong(1, modelId);
        if (tenant != null) {
            ps.setString(2, tenant);
        }
    }

    private static void setVariable(Connection c, Long modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SET " + VARIABLE + " = CAST(? AS BIGINT)")) {
            if (modelId == null) {
                ps.setNull(1, Types.BIGINT);
            } else {
                ps.setLong(1, modelId);
            }
            ps.execute();
        }
    }
}
