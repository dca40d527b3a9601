package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.GraphEdge;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Rows of the embedded provenance sync queue (table ProvenanceSyncQueue, script 080): written by the graph in the
 * transaction of each change, read back as {@link GraphChange}s by the feed.
 */
final class ProvenanceChanges {
    static final String COLUMNS = "ChangeId, ChangeType, TenantId, NodeId, NodeKind, RefId, Label, EdgeId, FromNodeId, "
            + "ToNodeId, Relation, ChangedAt, Properties";

    private ProvenanceChanges() {
    }

    /** Queues a created or relabelled node; call inside the transaction that wrote it, after its row is locked. */
    static void enqueue(Connection c, String tenantId, GraphNode node) throws SQLException {
        enqueue(c, tenantId, node, null);
    }

    /** A created or relabelled node with the properties it carries to the cold tier (script 182), or null. */
    static void enqueue(Connection c, String tenantId, GraphNode node, String propertiesJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ProvenanceSyncQueue (ChangeType, TenantId, NodeId, "
                + "NodeKind, RefId, Label, ChangedAt, Properties) VALUES ('NODE', ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, tenantId);
            ps.setLong(2, node.nodeId());
            ps.setString(3, node.kind().name());
            ps.setLong(4, node.refId());
            ps.setString(5, node.label());
            Rows.setInstant(ps, 6, now());
            ps.setString(7, propertiesJson);
            ps.executeUpdate();
        }
    }

    /** Queues a created edge; call inside the transaction that wrote it. */
    static void enqueue(Connection c, String tenantId, GraphEdge edge) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ProvenanceSyncQueue (ChangeType, TenantId, EdgeId, "
                + "FromNodeId, ToNodeId, Relation, ChangedAt) VALUES ('EDGE', ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, tenantId);
            ps.setLong(2, edge.edgeId());
            ps.setLong(3, edge.fromNodeId());
            ps.setLong(4, edge.toNodeId());
            ps.setString(5, edge.relation());
            Rows.setInstant(ps, 6, now());
            ps.executeUpdate();
        }
    }

    /** Queues a change again with the time it had (a retried dead letter). */
    static void enqueue(Connection c, GraphChange change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ProvenanceSyncQueue (ChangeType, TenantId, NodeId, "
                + "NodeKind, RefId, Label, EdgeId, FromNodeId, ToNodeId, Relation, ChangedAt, Properties) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(2, change.tenantId());
            for (int i = 3; i <= 10; i++) {
                ps.setObject(i, null);
            }
            ps.setString(12, null);
            switch (change) {
                case GraphChange.NodeUpserted n -> {
                    ps.setString(1, "NODE");
                    ps.setLong(3, n.nodeId());
                    ps.setString(4, n.kind().name());
                    ps.setLong(5, n.refId());
                    ps.setString(6, n.label());
                    ps.setString(12, n.propertiesJson());
                }
                case GraphChange.EdgeCreated e -> {
                    ps.setString(1, "EDGE");
                    ps.setLong(7, e.edgeId());
                    ps.setLong(8, e.fromNodeId());
                    ps.setLong(9, e.toNodeId());
                    ps.setString(10, e.relation());
                }
                case GraphChange.NodeRemoved r -> {
                    ps.setString(1, "NODE_DEL");
                    ps.setLong(3, r.nodeId());
                }
                case GraphChange.EdgeRemoved r -> {
                    ps.setString(1, "EDGE_DEL");
                    ps.setLong(7, r.edgeId());
                }
            }
            Rows.setInstant(ps, 11, change.changedAt());
            ps.executeUpdate();
        }
    }

    /**
     * Queues the removal of a node and of every edge that touches it (deleted with it by the foreign keys); call inside
     * the transaction that removes the node, before removing it.
     */
    static void enqueueRemoval(Connection c, long nodeId) throws SQLException {
        Instant at = now();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ProvenanceSyncQueue (ChangeType, TenantId, EdgeId, "
                + "ChangedAt) SELECT 'EDGE_DEL', TenantId, EdgeId, ? FROM AtomGraphEdges "
                + "WHERE FromNodeId = ? OR ToNodeId = ?")) {
            Rows.setInstant(ps, 1, at);
            ps.setLong(2, nodeId);
            ps.setLong(3, nodeId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ProvenanceSyncQueue (ChangeType, TenantId, NodeId, "
                + "ChangedAt) SELECT 'NODE_DEL', TenantId, NodeId, ? FROM AtomGraphNodes WHERE NodeId = ?")) {
            Rows.setInstant(ps, 1, at);
            ps.setLong(2, nodeId);
            ps.executeUpdate();
        }
    }

    /**
     * The time of a change, taken while the writer holds the row (so a later change of the same node is not earlier);
     * the statement time, not H2's CURRENT_TIMESTAMP, which is fixed at the start of the transaction.
     */
    private static Instant now() {
        return Rows.micros(Instant.now());
    }

    /** A row selected with {@link #COLUMNS}. */
    static GraphChange change(ResultSet rs) throws SQLException {
        String type = rs.getString("ChangeType");
        String tenant = rs.getString("TenantId");
        Instant at = Rows.RECORDS.instant(rs, "ChangedAt");
        return switch (type) {
            case "NODE" -> new GraphChange.NodeUpserted(tenant, rs.getLong("NodeId"),
                    NodeKind.valueOf(rs.getString("NodeKind")), rs.getLong("RefId"), rs.getString("Label"), at,
                    rs.getString("Properties"));
            case "EDGE" -> new GraphChange.EdgeCreated(tenant, rs.getLong("EdgeId"), rs.getLong("FromNodeId"),
                    rs.getLong("ToNodeId"), rs.getString("Relation"), at);
            case "NODE_DEL" -> new GraphChange.NodeRemoved(tenant, rs.getLong("NodeId"), at);
            case "EDGE_DEL" -> new GraphChange.EdgeRemoved(tenant, rs.getLong("EdgeId"), at);
            default -> throw new SQLException("unknown provenance change type " + type);
        };
    }
}
