package io.hartonomous.storage.contract.ingest;

/** Life of an ingestion job. RUNNING jobs left behind by a crash are resumed from their watermark. */
public enum JobState {
    RUNNING, COMPLETED, FAILED;

    public boolean isFinal() {
        return this != RUNNING;
    }
}
