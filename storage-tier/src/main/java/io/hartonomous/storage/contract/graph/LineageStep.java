package io.hartonomous.storage.contract.graph;

/** One node reached by a lineage walk, with the edge that reached it and how many hops from the start. */
public record LineageStep(int depth, GraphEdge via, GraphNode node) {
}
