package io.hartonomous.storage.contract.models;

import io.hartonomous.storage.contract.atoms.AtomType;

/** One value of a tensor as read back (possibly as of a past time), in the tensor's own precision. */
public record TensorCell(long positionX, long positionY, long positionZ, AtomType type, byte[] value) {
}
