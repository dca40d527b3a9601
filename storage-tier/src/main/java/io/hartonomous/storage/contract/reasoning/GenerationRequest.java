package io.hartonomous.storage.contract.reasoning;

import io.hartonomous.storage.contract.vectors.EmbeddingVector;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchRequest;

/**
 * Attention generation: from a context (a vector, or the embedding of {@code contextAtom} of the type), each of
 * {@code steps} steps takes the hybrid-search top {@code k} atoms of the type for the current context, weighs them by
 * softmax(similarity / temperature), draws one with the Park–Miller generator seeded by {@code seed}, and moves the
 * context to the weighted mean of the candidates' vectors. Exactly one of {@code context} and {@code contextAtom}.
 */
public record GenerationRequest(float[] context, Long contextAtom, String embeddingType, int steps, int k,
                                double temperature, long seed, Metric metric) {
    public static final int MAX_STEPS = 1000;
    /** Every candidate of every step is recorded as evidence of the run: steps × k is bounded so the record is. */
    public static final int MAX_CANDIDATES = 100_000;

    public GenerationRequest {
        if ((context == null) == (contextAtom == null)) {
            throw new IllegalArgumentException("give either a context vector or a context atom, not both or neither");
        }
        if (context != null) {
            if (context.length == 0 || context.length > EmbeddingVector.MAX_DIMENSION) {
                throw new IllegalArgumentException("context needs 1 to 1998 numbers");
            }
            for (float f : context) {
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException("context may hold only finite numbers");
                }
            }
            context = context.clone();
        }
        if (embeddingType == null || embeddingType.isBlank() || embeddingType.length() > 64) {
            throw new IllegalArgumentException("embeddingType is required (1-64 characters)");
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("steps must be between 1 and " + MAX_STEPS + ", got " + steps);
        }
        if (k < 1 || k > SearchRequest.MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + SearchRequest.MAX_K + ", got " + k);
        }
        if ((long) steps * k > MAX_CANDIDATES) {
            throw new IllegalArgumentException("steps × k must be at most " + MAX_CANDIDATES
                    + " (every candidate of every step is recorded), got " + steps + " × " + k);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number above 0, got " + temperature);
        }
        if (metric == null) {
            throw new IllegalArgumentException("metric is required");
        }
    }
}
