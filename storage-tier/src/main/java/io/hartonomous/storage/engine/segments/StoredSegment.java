package io.hartonomous.storage.engine.segments;

/**
 * A segment as read back from storage: positions {@code [firstSequence, firstSequence + positionCount)}, their
 * coordinates from the layout and their dictionary ordinals from the packed column.
 */
public record StoredSegment(long firstSequence, int positionCount, SegmentLayout layout, int ordinalWidth,
                            byte[] ordinals) {
    public StoredSegment {
        if (positionCount < 1 || positionCount > PackedOrdinals.MAX_POSITIONS) {
            throw new IllegalArgumentException("a segment holds 1-" + PackedOrdinals.MAX_POSITIONS
                    + " positions, got " + positionCount);
        }
        if (ordinalWidth < 1 || ordinalWidth > 4 || ordinals.length != positionCount * ordinalWidth) {
            throw new IllegalArgumentException("a segment of " + positionCount + " positions at " + ordinalWidth
                    + " bytes each cannot hold " + ordinals.length + " bytes");
        }
    }

    /** One past the last sequence index. */
    public long end() {
        return firstSequence + positionCount;
    }

    /** The dictionary ordinal at {@code sequence}, which must lie inside the segment. */
    public int ordinal(long sequence) {
        return PackedOrdinals.ordinalAt(ordinals, ordinalWidth, Math.toIntExact(sequence - firstSequence));
    }
}
