package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.graph.GraphEdge;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.graph.LineageStep;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;
import io.hartonomous.storage.engine.jdbc.RetryableConflict;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Node/edge tables with lineage walks as recursive CTEs (SQL Server uses MATCH / SHORTEST_PATH). Every node or edge
 * created, and every label replaced, is queued for the cold tier in the same transaction ({@link ProvenanceChanges}).
 */
record EmbeddedProvenanceGraph(String tenantId, UnitOfWork tx) implements ProvenanceGraph {
    static final int MAX_DEPTH = 32;

    @Override
    public GraphNode node(NodeKind kind, long refId, String label) {
        return tx.inTransaction("node", c -> node(c, kind, refId, label, true));
    }

    /**
     * The node of (kind, refId) inside the caller's transaction, created with {@code label} if absent; an existing
     * node's label is replaced by a different non-null {@code label} only if {@code relabel}.
     */
    GraphNode node(Connection c, NodeKind kind, long refId, String label, boolean relabel) throws SQLException {
        return node(c, kind, refId, label, relabel, null);
    }

    /**
     * The node, created with the properties it carries to the cold tier ({@code propertiesJson}, see
     * GraphChange.NodeUpserted) when it is new; an existing node's change (a relabel) carries none.
     */
    GraphNode node(Connection c, NodeKind kind, long refId, String label, boolean relabel, String propertiesJson)
            throws SQLException {
        Optional<GraphNode> existing = find(c, kind, refId, true);
        if (existing.isPresent()) {
            GraphNode node = existing.get();
            if (!relabel || label == null || label.equals(node.label())) {
                return node;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE AtomGraphNodes SET Label = ? WHERE NodeId = ?")) {
                ps.setString(1, label);
                ps.setLong(2, node.nodeId());
                ps.executeUpdate();
            }
            GraphNode relabelled = new GraphNode(node.nodeId(), kind, refId, label);
            ProvenanceChanges.enqueue(c, tenantId, relabelled);
            return relabelled;
        }
        long nodeId;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO AtomGraphNodes (TenantId, NodeKind, RefId, "
                + "Label) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, tenantId);
            ps.setString(2, kind.name());
            ps.setLong(3, refId);
            ps.setString(4, label);
            ps.executeUpdate();
            nodeId = EmbeddedIngestWrites.generatedKey(ps);
        } catch (SQLException e) {
            if (H2Errors.isUniqueViolation(e)) {
                throw new RetryableConflict("node created concurrently");
            }
            throw e;
        }
        GraphNode created = new GraphNode(nodeId, kind, refId, label);
        ProvenanceChanges.enqueue(c, tenantId, created, propertiesJson);
        return created;
    }

    private Optional<GraphNode> find(Connection c, NodeKind kind, long refId, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT NodeId, NodeKind, RefId, Label FROM AtomGraphNodes "
                + "WHERE TenantId = ? AND NodeKind = ? AND RefId = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, tenantId);
            ps.setString(2, kind.name());
            ps.setLong(3, refId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.RECORDS.node(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public GraphEdge edge(long fromNodeId, long toNodeId, String relation) {
        if (relation == null || relation.isBlank() || relation.length() > 64) {
            throw new IllegalArgumentException("an edge needs a relation of 1-64 characters");
        }
        return tx.inTransaction("edge", c -> edge(c, fromNodeId, toNodeId, relation));
    }

    /** The edge inside the caller's transaction, created if absent (the relation is checked by the caller). */
    GraphEdge edge(Connection c, long fromNodeId, long toNodeId, String relation) throws SQLException {
        for (long id : new long[] {fromNodeId, toNodeId}) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM AtomGraphNodes WHERE NodeId = ? AND TenantId = ?")) {
                ps.setLong(1, id);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("graph node " + id + " not found");
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT EdgeId FROM AtomGraphEdges WHERE TenantId = ? "
                + "AND FromNodeId = ? AND ToNodeId = ? AND Relation = ?")) {
            ps.setString(1, tenantId);
            ps.setLong(2, fromNodeId);
            ps.setLong(3, toNodeId);
            ps.setString(4, relation);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new GraphEdge(rs.getLong("EdgeId"), fromNodeId, toNodeId, relation);
                }
            }
        }
        long edgeId;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO AtomGraphEdges (TenantId, FromNodeId, "
                + "ToNodeId, Relation) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, tenantId);
            ps.setLong(2, fromNodeId);
            ps.setLong(3, toNodeId);
            ps.setString(4, relation);
            ps.executeUpdate();
            edgeId = EmbeddedIngestWrites.generatedKey(ps);
        } catch (SQLException e) {
            if (H2Errors.isUniqueViolation(e)) {
                throw new RetryableConflict("edge created concurrently");
            }
            throw e;
        }
        GraphEdge created = new GraphEdge(edgeId, fromNodeId, toNodeId, relation);
        ProvenanceChanges.enqueue(c, tenantId, created);
        return created;
    }

    @Override
    public List<LineageStep> lineage(NodeKind kind, long refId, int maxDepth, LineageDirection direction) {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be between 1 and " + MAX_DEPTH + ", got " + maxDepth);
        }
        return tx.read("lineage", c -> {
            GraphNode start = find(c, kind, refId, false).orElseThrow(() -> new NotFoundException(
                    "no provenance recorded for " + kind.name().toLowerCase() + " " + refId));
            Map<Long, LineageStep> reached = new LinkedHashMap<>();
            if (direction != LineageDirection.UPSTREAM) {
                walk(c, start, maxDepth, true, reached);
            }
            if (direction != LineageDirection.DOWNSTREAM) {
                walk(c, start, maxDepth, false, reached);
            }
            List<LineageStep> steps = new ArrayList<>(reached.values());
            steps.sort((a, b) -> a.depth() != b.depth() ? Integer.compare(a.depth(), b.depth())
                    : Long.compare(a.node().nodeId(), b.node().nodeId()));
            return steps;
        });
    }

    /** One direction of the walk; keeps the shallowest way each node was reached. */
    private void walk(Connection c, GraphNode start, int maxDepth, boolean downstream, Map<Long, LineageStep> reached)
            throws SQLException {
        String next = downstream ? "e.ToNodeId" : "e.FromNodeId";
        String from = downstream ? "e.FromNodeId" : "e.ToNodeId";
        String sql = "WITH RECURSIVE walk(NodeId, Depth, EdgeId) AS ("
                + " SELECT CAST(? AS BIGINT), 0, CAST(NULL AS BIGINT)"
                + " UNION ALL SELECT " + next + ", w.Depth + 1, e.EdgeId FROM walk w JOIN AtomGraphEdges e ON "
                + from + " = w.NodeId WHERE w.Depth < ? AND e.TenantId = ?)"
                + " SELECT w.Depth, e.EdgeId, e.FromNodeId, e.ToNodeId, e.Relation, n.NodeId, n.NodeKind, n.RefId,"
                + " n.Label FROM walk w JOIN AtomGraphEdges e ON e.EdgeId = w.EdgeId JOIN AtomGraphNodes n"
                + " ON n.NodeId = w.NodeId WHERE w.Depth > 0 ORDER BY w.Depth, e.EdgeId";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, start.nodeId());
            ps.setInt(2, maxDepth);
            ps.setString(3, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    GraphNode node = Rows.RECORDS.node(rs);
                    if (node.nodeId() == start.nodeId()) {
                        continue;
                    }
                    LineageStep step = new LineageStep(rs.getInt("Depth"), Rows.RECORDS.edge(rs), node);
                    reached.merge(node.nodeId(), step, (old, fresh) -> fresh.depth() < old.depth() ? fresh : old);
                }
            }
        }
    }
}
