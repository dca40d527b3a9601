package io.hartonomous.ingest.atomize;

import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.NewAtom;

import java.util.List;

/**
 * One chunk of a file: its distinct atoms (each hashed once) and the rows referencing them by ordinal. {@code ordinal}
 * is the chunk's place in the file's deterministic chunking (chunk k always holds the same rows), which is the contract
 * chunk index the pipeline should use; {@code bytesDone} is the source position reached, for progress.
 */
public record AtomChunk(int ordinal, List<NewAtom> atoms, CompositionBatch compositions,
                        CoefficientBatch coefficients, long bytesDone) {
    public AtomChunk {
        atoms = List.copyOf(atoms);
        compositions = compositions == null ? CompositionBatch.EMPTY : compositions;
        coefficients = coefficients == null ? CoefficientBatch.EMPTY : coefficients;
    }

    public int rows() {
        return compositions.size() + coefficients.size();
    }

    public Chunk toChunk() {
        return toChunk(ordinal);
    }

    public Chunk toChunk(int chunkIndex) {
        return new Chunk(chunkIndex, atoms, compositions, coefficients, bytesDone);
    }
}
