package io.hartonomous.storage.engine;

import io.hartonomous.storage.contract.EmbeddingVector;

import java.util.SplittableRandom;

/**
 * The landmark vectors hybrid search projects embeddings against, shared by every engine so that each derives the
 * same ones: per embedding type, {@link #AXES} vectors of 1998 floats, uniform in [-1, 1) from a seed derived from
 * the type name. A vector's 2-D point is its Euclidean distance to each landmark (see docs/decisions.md).
 */
public final class LandmarkSeeds {
    public static final int AXES = 2;

    private LandmarkSeeds() {
    }

    /** Deterministic landmarks of {@code embeddingType}: {@code AXES} arrays of 1998 floats each. */
    public static float[][] landmarks(String embeddingType) {
        SplittableRandom random = new SplittableRandom(embeddingType.hashCode() * 0x9E3779B97F4A7C15L);
        float[][] landmarks = new float[AXES][EmbeddingVector.MAX_DIMENSION];
        for (float[] landmark : landmarks) {
            for (int i = 0; i < landmark.length; i++) {
                landmark[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return landmarks;
    }
}
