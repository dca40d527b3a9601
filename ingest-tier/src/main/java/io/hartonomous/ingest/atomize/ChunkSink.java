package io.hartonomous.ingest.atomize;

import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;

/**
 * Receives what an {@link AtomizedFile} emits, in order; the pipeline writes each chunk through the contract. A
 * chunk's index is its place in the file's deterministic chunking (chunk k always holds the same rows), which is the
 * contract's chunk index; its {@code bytesDone} is the source position reached, for progress.
 */
public interface ChunkSink {
    /** A model file's tensor table, passed once before its first chunk (also when resuming: registration is idempotent). */
    default void model(NewModel model) throws IOException {
    }

    void chunk(Chunk chunk) throws IOException;
}
