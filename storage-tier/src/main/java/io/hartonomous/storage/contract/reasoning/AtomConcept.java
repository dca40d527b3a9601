package io.hartonomous.storage.contract.reasoning;

/** A concept an atom is bound to (in the generation current at the time asked), with its similarity. */
public record AtomConcept(long conceptId, long generationId, int generation, String embeddingType,
                          double similarity) {
}
