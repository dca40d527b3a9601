package io.hartonomous.storage.contract.reasoning;

import java.util.function.Consumer;

/**
 * Reasoning over the tenant's embeddings (issue 13): A* paths over the k-nearest-neighbour graph and attention
 * generation. Both engines compute the same answer for the same data and seed (docs/decisions.md, "Reasoning: A*
 * paths and attention generation"). An atom the tenant cannot see, or one without an embedding of the type, is a
 * NotFoundException; a type with no embedding the tenant can see is an IllegalArgumentException.
 */
public interface ReasoningStore {
    PathResult path(PathRequest request);

    /** Runs the generation, handing each step to {@code onStep} as soon as it is drawn, and returns them all. */
    GenerationResult generate(GenerationRequest request, Consumer<GenerationStep> onStep);

    default GenerationResult generate(GenerationRequest request) {
        return generate(request, step -> {
        });
    }
}
