package io.hartonomous.storage.engine.segments;

import io.hartonomous.storage.contract.ingest.CompositionBatch;

import java.util.Arrays;

/**
 * A chunk's composition rows as segments, shared by the engines' writers: the layout every row follows and the runs
 * of at most {@link PackedOrdinals#MAX_POSITIONS} consecutive sequence indexes (in row order) that become one segment
 * row each. What a segment stores for each position (a dictionary ordinal) is the writer's: it passes one ordinal per
 * row of the batch to {@link #pack}.
 */
public final class SegmentPlan {
    private final CompositionBatch rows;
    private final SegmentLayout layout;
    private final int segments;
    private final int[] firstRow;
    private final int[] positions;

    private SegmentPlan(CompositionBatch rows, SegmentLayout layout, int segments, int[] firstRow, int[] positions) {
        this.rows = rows;
        this.layout = layout;
        this.segments = segments;
        this.firstRow = firstRow;
        this.positions = positions;
    }

    /** The plan of a non-empty batch whose rows follow a row- or column-major layout; null otherwise. */
    public static SegmentPlan of(CompositionBatch rows) {
        int n = rows.size();
        if (n == 0) {
            return null;
        }
        SegmentLayout layout = SegmentLayout.of(rows);
        if (layout == null) {
            return null;
        }
        long[] seq = rows.sequenceIndex();
        int runs = 0;
        int[] start = new int[n];
        int[] length = new int[n];
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && j - i < PackedOrdinals.MAX_POSITIONS && seq[j] == seq[j - 1] + 1) {
                j++;
            }
            start[runs] = i;
            length[runs++] = j - i;
            i = j;
        }
        return new SegmentPlan(rows, layout, runs, Arrays.copyOf(start, runs), Arrays.copyOf(length, runs));
    }

    public SegmentLayout layout() {
        return layout;
    }

    public int segments() {
        return segments;
    }

    /** Index in the batch of segment {@code s}'s first row. */
    public int firstRow(int s) {
        return firstRow[s];
    }

    public int positions(int s) {
        return positions[s];
    }

    public long firstSequence(int s) {
        return rows.sequenceIndex()[firstRow[s]];
    }

    public SegmentLayout.Extent extent(int s) {
        return layout.extent(firstSequence(s), positions[s]);
    }

    /** Per row, {@code byChunkOrdinal[row's atom ordinal]}: the chunk's atoms renumbered, row by row. */
    public int[] rowOrdinals(int[] byChunkOrdinal) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = byChunkOrdinal[rows.atomOrdinal()[i]];
        }
        return out;
    }

    /** The fewest bytes per position that hold segment {@code s}'s ordinals. */
    public int width(int s, int[] rowOrdinals) {
        return PackedOrdinals.widthOf(rowOrdinals, firstRow[s], positions[s]);
    }

    /** Segment {@code s}'s packed column, {@code width} bytes per position. */
    public byte[] pack(int s, int[] rowOrdinals, int width) {
        return PackedOrdinals.pack(rowOrdinals, firstRow[s], positions[s], width);
    }

    /** Whether two segments of the plan cover a sequence index twice (the chunk repeats a position). */
    public boolean overlapsItself() {
        long[][] spans = new long[segments][];
        for (int s = 0; s < segments; s++) {
            spans[s] = new long[] {firstSequence(s), firstSequence(s) + positions[s] - 1};
        }
        Arrays.sort(spans, (a, b) -> Long.compare(a[0], b[0]));
        for (int s = 1; s < segments; s++) {
            if (spans[s][0] <= spans[s - 1][1]) {
                return true;
            }
        }
        return false;
    }
}
