package io.hartonomous.storage.contract.inference;

/** Where a run stands: a record is RUNNING from its start until it succeeds or fails, and never changes after. */
public enum InferenceStatus {
    RUNNING, SUCCEEDED, FAILED
}
