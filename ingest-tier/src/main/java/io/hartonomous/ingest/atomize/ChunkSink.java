package io.hartonomous.ingest.atomize;

import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;

/** Receives what an {@link AtomizedFile} emits, in order; the pipeline writes each chunk through the contract. */
public interface ChunkSink {
    /** A model file's tensor table, passed once before its first chunk (also when resuming: registration is idempotent). */
    default void model(NewModel model) throws IOException {
    }

    void chunk(AtomChunk chunk) throws IOException;
}
