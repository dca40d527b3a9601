package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.graph.GraphEdge;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.graph.LineageStep;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;

import java.util.List;

/**
 * The provenance graph through sql/074: node and edge tables AS NODE / AS EDGE, lineage with MATCH and
 * SHORTEST_PATH; every new node or edge is also queued (Service Broker) for the Neo4j cold tier.
 */
record SqlServerProvenanceGraph(Session session) implements ProvenanceGraph {
    /** The deepest walk graph.sp_QueryLineage accepts, as on the embedded engine. */
    static final int MAX_DEPTH = 32;

    @Override
    public GraphNode node(NodeKind kind, long refId, String label) {
        return session.single(Procedures.ENSURE_NODE, call -> call.setString("NodeKind", kind.name())
                .setLong("RefId", refId).setString("Label", label), SqlRows.RECORDS::node);
    }

    @Override
    public GraphEdge edge(long fromNodeId, long toNodeId, String relation) {
        if (relation == null || relation.isBlank() || relation.length() > 64) {
            throw new IllegalArgumentException("an edge needs a relation of 1-64 characters");
        }
        return session.single(Procedures.ENSURE_EDGE, call -> call.setLong("FromNodeId", fromNodeId)
                .setLong("ToNodeId", toNodeId).setString("Relation", relation), SqlRows.RECORDS::edge);
    }

    @Override
    public List<LineageStep> lineage(NodeKind kind, long refId, int maxDepth, LineageDirection direction) {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be between 1 and " + MAX_DEPTH + ", got " + maxDepth);
        }
        return session.list(Procedures.QUERY_LINEAGE, call -> call.setString("NodeKind", kind.name())
                        .setLong("RefId", refId).setInt("MaxDepth", maxDepth).setString("Direction", direction.name()),
                rs -> new LineageStep(rs.getInt("Depth"), SqlRows.RECORDS.edge(rs), SqlRows.RECORDS.node(rs)));
    }
}
