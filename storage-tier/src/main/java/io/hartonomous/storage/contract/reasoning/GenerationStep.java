package io.hartonomous.storage.contract.reasoning;

import java.util.List;

/**
 * One step of a generation ({@code step} counts from 1): the atom drawn, the natural log of its weight, the uniform
 * number that drew it, and every candidate, nearest first (ties by atom id), with its weight.
 */
public record GenerationStep(int step, long atomId, double logProbability, double draw, List<Candidate> candidates) {
    public GenerationStep {
        candidates = List.copyOf(candidates);
    }
}
