package io.hartonomous.storage.contract.vectors;

/** One result: the atom, which embedding matched, and its exact distance. */
public record SearchHit(long atomId, String embeddingType, double distance) {
}
