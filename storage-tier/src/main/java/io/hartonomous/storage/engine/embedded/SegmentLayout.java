package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ingest.CompositionBatch;

/**
 * How a segment's positions follow from its sequence indexes: row-major (images: X = s % stride, Y = s / stride) or
 * column-major (audio: X = frame = s / channels, Y = channel = s % channels). Inferred once per chunk from its rows;
 * a chunk whose rows follow neither is stored row by row.
 */
record SegmentLayout(long stride, boolean columnMajor) {

    long x(long sequence) {
        return columnMajor ? sequence / stride : sequence % stride;
    }

    long y(long sequence) {
        return columnMajor ? sequence % stride : sequence / stride;
    }

    /** The layout every row of the batch follows, or null. */
    static SegmentLayout of(CompositionBatch rows) {
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
        return new SegmentLayout(maxSequence + 1, columnMajor);
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
