package io.hartonomous.storage.contract.graph;

/** What a provenance graph node stands for. */
public enum NodeKind {
    FILE, ATOM, MODEL, TENSOR, EMBEDDING, JOB, INFERENCE
}
