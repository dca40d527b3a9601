package io.hartonomous.storage.contract.reasoning;

/** One candidate of a generation step: its similarity to the step's context and its attention weight. */
public record Candidate(long atomId, double similarity, double weight) {
}
