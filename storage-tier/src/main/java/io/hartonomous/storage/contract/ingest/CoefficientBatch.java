package io.hartonomous.storage.contract.ingest;

/**
 * Tensor coefficient rows of one chunk in columnar form: weight {@code atomOrdinal[i]} (an index into the chunk's atom
 * list) sits in tensor {@code layerIdx[i]} at (x = innermost index, y = next, z = remaining outer indices flattened).
 */
public record CoefficientBatch(int size, int[] layerIdx, long[] positionX, long[] positionY, long[] positionZ,
                               int[] atomOrdinal) {
    public static final CoefficientBatch EMPTY =
            new CoefficientBatch(0, new int[0], new long[0], new long[0], new long[0], new int[0]);

    public CoefficientBatch {
        if (size < 0 || layerIdx.length < size || positionX.length < size || positionY.length < size
                || positionZ.length < size || atomOrdinal.length < size) {
            throw new IllegalArgumentException("coefficient columns are shorter than the batch size " + size);
        }
    }
}
