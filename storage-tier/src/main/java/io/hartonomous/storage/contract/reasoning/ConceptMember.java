package io.hartonomous.storage.contract.reasoning;

/** An atom bound to a concept, with its similarity to the concept's centroid. */
public record ConceptMember(long atomId, double similarity) {
}
