package io.hartonomous.storage.contract;

/** Replaces the value at one position of a tensor (history keeps the old one for AS OF and rollback). */
public record WeightUpdate(long positionX, long positionY, long positionZ, NewAtom value) {
}
