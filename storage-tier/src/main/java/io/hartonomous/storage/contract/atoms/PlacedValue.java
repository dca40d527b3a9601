package io.hartonomous.storage.contract.atoms;

/** A component's value at its place in the parent: what reconstruction reads, in SequenceIndex order. */
public record PlacedValue(long sequenceIndex, long positionX, long positionY, AtomType type, byte[] value) {
}
