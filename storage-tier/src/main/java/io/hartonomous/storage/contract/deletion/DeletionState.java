package io.hartonomous.storage.contract.deletion;

/** Where a deletion job is: RUNNING until its last batch, then COMPLETED (or FAILED with its error). */
public enum DeletionState {
    RUNNING, COMPLETED, FAILED
}
