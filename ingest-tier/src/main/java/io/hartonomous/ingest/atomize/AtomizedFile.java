package io.hartonomous.ingest.atomize;

import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A file that passed every up-front check (format, headers, limits, sizes and offsets) and is ready to be emitted as
 * chunks. Opening it ({@link Atomizers#open}) is where bad input is rejected, so a job that starts emitting does not
 * fail on content it could have checked first. Chunking is deterministic: chunk k always holds rows
 * {@code [k * chunkRows, (k+1) * chunkRows)} of the file's row order (pixels row-major, interleaved samples, tensor
 * elements in tensor order), so a crashed job resumes with {@code emit(watermark, sink)}. Each chunk is atomized on
 * its own ({@link #chunk}), which is what lets {@link ChunkEmitter} atomize several at once.
 */
public interface AtomizedFile extends AutoCloseable {
    FileLayout layout();

    default DetectedFormat format() {
        return layout().format();
    }

    default Modality modality() {
        return format().modality();
    }

    /** Size of the source file in bytes (for a frame/page: the whole file's). */
    default long bytesTotal() {
        return layout().bytesTotal();
    }

    /** Composition or coefficient rows the file produces in total. */
    default long rows() {
        return layout().plan().rows();
    }

    default int chunkRows() {
        return layout().plan().chunkRows();
    }

    /** Number of chunks {@code emit} produces from 0; 0 when the file has no rows (e.g. only empty tensors). */
    default int chunkCount() {
        return layout().plan().chunkCount();
    }

    /** The parent atom's metadata JSON (known before emission; pass it to startJob and completeJob). */
    default String metadataJson() {
        return layout().metadataJson();
    }

    /** For model files, the model and tensor table to register before writing chunks. */
    default Optional<NewModel> model() {
        return Optional.empty();
    }

    /**
     * Atomizes chunk {@code index} alone (decode → canonical values → distinct → hash), independent of every other
     * chunk. Safe to call from several threads at once for different chunks: an atomizer only reads what opening the
     * file established (the decoded frame, the mapping, the channel with positional reads).
     */
    Chunk chunk(int index) throws IOException;

    /**
     * Emits chunks {@code fromChunk .. chunkCount()-1} in order on the calling thread; {@code fromChunk} may equal
     * chunkCount(). A model's tensor table goes to the sink first. {@link ChunkEmitter} does the same in parallel.
     */
    default void emit(int fromChunk, ChunkSink sink) throws IOException {
        ChunkEmitter.SEQUENTIAL.emit(this, fromChunk, sink, "atomize");
    }

    /** The parent's built-in feature embedding; independent of which chunks were emitted. Empty when undefined. */
    Optional<Embedding> embedding() throws IOException;

    /** Further frames/pages beyond the first, each its own parent atom (see {@link ChildPart}); usually empty. */
    default List<ChildPart> children() throws IOException {
        return List.of();
    }

    /** Opens a child listed by {@link #children()}. */
    default AtomizedFile child(int index) throws IOException {
        throw new IllegalArgumentException("this file has no child " + index);
    }

    @Override
    void close();
}
