package io.hartonomous.storage.engine.segments;

import io.hartonomous.storage.contract.ingest.CompositionBatch;

/**
 * How a segment's positions follow from its sequence indexes: row-major (images: X = s % stride, Y = s / stride) or
 * column-major (audio: X = frame = s / channels, Y = channel = s % channels). Inferred once per chunk from its rows;
 * a chunk whose rows follow neither is stored row by row.
 */
public record SegmentLayout(long stride, boolean columnMajor) {
    /** The X/Y bounds of a run of positions. */
    public record Extent(long minX, long maxX, long minY, long maxY) {
    }

    public SegmentLayout {
        if (stride < 1) {
            throw new IllegalArgumentException("a segment's stride is at least 1, got " + stride);
        }
    }

    public long x(long sequence) {
        return columnMajor ? sequence / stride : sequence % stride;
    }

    public long y(long sequence) {
        return columnMajor ? sequence % stride : sequence / stride;
    }

    /**
     * The bounds of the positions {@code [first, first + count)}: one line (same s / stride) spans its minor
     * coordinates from first to last, more lines span all of them (0 to stride - 1). sql/020's dbo.fn_SegmentExtent
     * computes the same.
     */
    public Extent extent(long first, int count) {
        long last = first + count - 1;
        long lowLine = first / stride;
        long highLine = last / stride;
        long lowMinor = lowLine == highLine ? first % stride : 0;
        long highMinor = lowLine == highLine ? last % stride : stride - 1;
        return columnMajor ? new Extent(lowLine, highLine, lowMinor, highMinor)
                : new Extent(lowMinor, highMinor, lowLine, highLine);
    }

    /** The layout every row of the batch follows, or null. */
    public static SegmentLayout of(CompositionBatch rows) {
        int n = rows.size();
        long maxSequence = 0;
        for (int i = 0; i < n; i++) {
            if (rows.sequenceIndex()[i] < 0 || rows.positionX()[i] < 0 || rows.positionY()[i] < 0) {
                return null;
            }
            maxSequence = Math.max(maxSequence, rows.sequenceIndex()[i]);
        }
        SegmentLayout rowMajor = candidate(rows, rows.positionY(), rows.positionX(), false, maxSequence);
        if (rowMajor != null && rowMajor.fits(rows)) {
            return rowMajor;
        }
        SegmentLayout columnMajor = candidate(rows, rows.positionX(), rows.positionY(), true, maxSequence);
        return columnMajor != null && columnMajor.fits(rows) ? columnMajor : null;
    }

    /** Stride from the first row whose major coordinate is not 0: s = major * stride + minor. */
    private static SegmentLayout candidate(CompositionBatch rows, long[] major, long[] minor, boolean columnMajor,
                                           long maxSequence) {
        for (int i = 0; i < rows.size(); i++) {
            if (major[i] > 0) {
                long rest = rows.sequenceIndex()[i] - minor[i];
                return rest > 0 && rest % major[i] == 0 ? new SegmentLayout(rest / major[i], columnMajor) : null;
            }
        }
        // Every row on major line 0: X (or Y) is the sequence itself; any stride above the largest one describes it.
        return maxSequence == Long.MAX_VALUE ? null : new SegmentLayout(maxSequence + 1, columnMajor);
    }

    private boolean fits(CompositionBatch rows) {
        for (int i = 0; i < rows.size(); i++) {
            long s = rows.sequenceIndex()[i];
            if (x(s) != rows.positionX()[i] || y(s) != rows.positionY()[i]) {
                return false;
            }
        }
        return true;
    }
}
