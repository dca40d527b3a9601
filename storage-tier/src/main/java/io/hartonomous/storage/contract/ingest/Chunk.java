package io.hartonomous.storage.contract.ingest;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.NewAtom;

import java.util.List;

/**
 * One unit of commit for a job: distinct atoms plus the rows that reference them by ordinal. Chunk indexes are
 * consecutive from 0; a chunk whose index is below the job's watermark was already committed and is skipped, which
 * makes a resumed job exactly-once. A chunk is consistent by construction (atoms distinct, every ordinal in range),
 * so no engine needs to check it again.
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
        java.util.Set<ContentHash> seen = new java.util.HashSet<>(atoms.size() * 2);
        for (NewAtom atom : atoms) {
            if (!seen.add(atom.contentHash())) {
                throw new IllegalArgumentException("chunk " + chunkIndex + " lists atom " + atom.contentHash()
                        + " twice; a chunk's atoms must be distinct");
            }
        }
        checkOrdinals(compositions.atomOrdinal(), compositions.size(), atoms.size());
        checkOrdinals(coefficients.atomOrdinal(), coefficients.size(), atoms.size());
    }

    private static void checkOrdinals(int[] ordinals, int rows, int atomCount) {
        for (int i = 0; i < rows; i++) {
            if (ordinals[i] < 0 || ordinals[i] >= atomCount) {
                throw new IllegalArgumentException("row refers to atom ordinal " + ordinals[i] + " but the chunk has "
                        + atomCount + " atoms");
            }
        }
    }
}
