package io.hartonomous.storage.contract;

/** What a provenance graph node stands for. */
public enum NodeKind {
    FILE, ATOM, MODEL, TENSOR, EMBEDDING, JOB
}
