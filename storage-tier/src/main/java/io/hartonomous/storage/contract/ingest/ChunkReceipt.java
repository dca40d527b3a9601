package io.hartonomous.storage.contract.ingest;

/** What a chunk write did. {@code alreadyCommitted}: the chunk was below the watermark and nothing was written. */
public record ChunkReceipt(int chunkIndex, boolean alreadyCommitted, int distinctAtoms, int newAtoms,
                           long compositionRows, long coefficientRows) {
}
