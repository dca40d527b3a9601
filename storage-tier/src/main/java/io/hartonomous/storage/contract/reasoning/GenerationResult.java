package io.hartonomous.storage.contract.reasoning;

import java.util.List;

/** The steps of a generation, in order. */
public record GenerationResult(List<GenerationStep> steps) {
    public GenerationResult {
        steps = List.copyOf(steps);
    }

    public List<Long> atoms() {
        return steps.stream().map(GenerationStep::atomId).toList();
    }
}
