package io.hartonomous.api.search;

import io.hartonomous.storage.contract.vectors.EmbeddingVector;

/** Checks on vectors from request bodies, with details that say which number is wrong. */
final class Vectors {
    private Vectors() {
    }

    static float[] require(String field, float[] vector) {
        if (vector == null || vector.length == 0) {
            throw new IllegalArgumentException(field + " is required: 1 to " + EmbeddingVector.MAX_DIMENSION
                    + " numbers");
        }
        if (vector.length > EmbeddingVector.MAX_DIMENSION) {
            throw new IllegalArgumentException(field + " has " + vector.length + " numbers; at most "
                    + EmbeddingVector.MAX_DIMENSION + " are allowed");
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new IllegalArgumentException(field + "[" + i + "] is not a finite 32-bit number");
            }
        }
        return vector;
    }

    static String embeddingType(String type) {
        if (type == null) {
            return null;
        }
        if (type.isBlank() || type.length() > 64) {
            throw new IllegalArgumentException("embeddingType must be 1-64 characters");
        }
        return type;
    }
}
