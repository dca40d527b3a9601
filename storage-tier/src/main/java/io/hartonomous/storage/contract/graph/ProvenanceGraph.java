package io.hartonomous.storage.contract.graph;

import java.util.List;

/**
 * The hot provenance graph (node/edge tables); Neo4j is fed from it as the cold tier through the
 * {@link ProvenanceFeed}: every node or edge created, and every label replaced, is queued for it in the same
 * transaction.
 */
public interface ProvenanceGraph {
    /** The node standing for (kind, refId), created if absent. */
    GraphNode node(NodeKind kind, long refId, String label);

    GraphEdge edge(long fromNodeId, long toNodeId, String relation);

    /** Nodes reachable from the node of (kind, refId) within {@code maxDepth} hops, nearest first. */
    List<LineageStep> lineage(NodeKind kind, long refId, int maxDepth, LineageDirection direction);
}
