package io.hartonomous.storage.contract.graph;

/** A directed provenance edge, e.g. {@code file -derived-from-> file} or {@code file -atomized-as-> model}. */
public record GraphEdge(long edgeId, long fromNodeId, long toNodeId, String relation) {
}
