package io.hartonomous.storage.contract.ingest;

/**
 * Composition rows of one chunk in columnar form: row i places atom {@code atomOrdinal[i]} (an index into the chunk's
 * atom list) at {@code (positionX[i], positionY[i])} with {@code sequenceIndex[i]}. Columnar because a chunk holds
 * tens of thousands of rows and objects per row would dominate the cost.
 */
public record CompositionBatch(int size, long[] sequenceIndex, long[] positionX, long[] positionY, int[] atomOrdinal) {
    public static final CompositionBatch EMPTY = new CompositionBatch(0, new long[0], new long[0], new long[0], new int[0]);

    public CompositionBatch {
        if (size < 0 || sequenceIndex.length < size || positionX.length < size || positionY.length < size
                || atomOrdinal.length < size) {
            throw new IllegalArgumentException("composition columns are shorter than the batch size " + size);
        }
    }
}
