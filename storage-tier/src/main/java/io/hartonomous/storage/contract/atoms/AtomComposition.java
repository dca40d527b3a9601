package io.hartonomous.storage.contract.atoms;

/**
 * Where a component atom occurs inside a parent. Images: x, y with sequence = y*width + x.
 * Audio: x = frame, y = channel, sequence = frame*channels + channel.
 */
public record AtomComposition(long parentAtomId, long componentAtomId, long sequenceIndex, long positionX,
                              long positionY) {
}
