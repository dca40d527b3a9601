package io.hartonomous.storage.contract;

import java.util.List;

/**
 * One unit of commit for a job: distinct atoms plus the rows that reference them by ordinal. Chunk indexes are
 * consecutive from 0; a chunk whose index is below the job's watermark was already committed and is skipped, which
 * makes a resumed job exactly-once.
 */
public record Chunk(int chunkIndex, List<NewAtom> atoms, CompositionBatch compositions, CoefficientBatch coefficients,
                    long bytesDone) {
    public Chunk {
        atoms = List.copyOf(atoms);
        compositions = compositions == null ? CompositionBatch.EMPTY : compositions;
        coefficients = coefficients == null ? CoefficientBatch.EMPTY : coefficients;
        if (chunkIndex < 0) {
            throw new IllegalArgumentException("chunk index cannot be negative");
        }
    }
}
