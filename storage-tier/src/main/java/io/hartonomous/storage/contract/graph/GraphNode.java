package io.hartonomous.storage.contract.graph;

/** A provenance node; {@code refId} is the atom, model or job id the node stands for. */
public record GraphNode(long nodeId, NodeKind kind, long refId, String label) {
}
