package io.hartonomous.ingest.atomize;

/** A built-in feature embedding of a parent atom (store it with {@code builtIn = true}). */
public record Embedding(String embeddingType, float[] vector) {
    public static final String IMAGE = "builtin-image-v1";
    public static final String AUDIO = "builtin-audio-v1";
    public static final String TENSOR = "builtin-tensor-v1";
}
