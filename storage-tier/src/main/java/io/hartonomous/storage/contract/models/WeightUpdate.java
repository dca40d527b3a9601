package io.hartonomous.storage.contract.models;

import io.hartonomous.storage.contract.atoms.NewAtom;

/** Replaces the value at one position of a tensor (history keeps the old one for AS OF and rollback). */
public record WeightUpdate(long positionX, long positionY, long positionZ, NewAtom value) {
}
