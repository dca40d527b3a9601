package io.hartonomous.storage.contract.vectors;

/** Embedding limits shared by every engine: VECTOR(1998) on SQL Server. */
public final class EmbeddingVector {
    public static final int MAX_DIMENSION = 1998;

    private EmbeddingVector() {
    }

    /** Zero-pads to 1998 floats; the true length is kept separately as the embedding's Dimension. */
    public static float[] padded(float[] vector) {
        if (vector.length > MAX_DIMENSION) {
            throw new IllegalArgumentException("an embedding has at most 1998 dimensions, got " + vector.length);
        }
        float[] padded = new float[MAX_DIMENSION];
        System.arraycopy(vector, 0, padded, 0, vector.length);
        return padded;
    }
}
