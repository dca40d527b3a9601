package io.hartonomous.storage.contract;

/** One value of a tensor as read back (possibly as of a past time), in the tensor's own precision. */
public record TensorCell(long positionX, long positionY, long positionZ, AtomType type, byte[] value) {
}
