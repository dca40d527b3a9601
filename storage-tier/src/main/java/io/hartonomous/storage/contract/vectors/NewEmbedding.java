package io.hartonomous.storage.contract.vectors;

/** An embedding to store; {@code builtIn} ones are shared by every tenant that can see the atom. */
public record NewEmbedding(long atomId, String embeddingType, float[] vector, boolean builtIn) {
    public NewEmbedding {
        if (embeddingType == null || embeddingType.isBlank() || embeddingType.length() > 64) {
            throw new IllegalArgumentException("embeddingType is required (1-64 characters)");
        }
        if (vector == null || vector.length == 0 || vector.length > EmbeddingVector.MAX_DIMENSION) {
            throw new IllegalArgumentException("an embedding has 1 to 1998 dimensions");
        }
        for (float f : vector) {
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException("an embedding may hold only finite numbers");
            }
        }
    }
}
