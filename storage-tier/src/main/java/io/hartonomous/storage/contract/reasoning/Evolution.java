package io.hartonomous.storage.contract.reasoning;

/**
 * One step of evolution into a generation: {@code fromConceptId} of the previous generation (null for NEW) to
 * {@code toConceptId} of this one (null for GONE), and how many members they share.
 */
public record Evolution(EvolutionKind kind, Long fromConceptId, Long toConceptId, int sharedMembers) {
}
