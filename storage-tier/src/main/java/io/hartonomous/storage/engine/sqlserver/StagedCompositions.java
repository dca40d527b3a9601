package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.engine.segments.SegmentPlan;

/**
 * A chunk's composition rows as they are staged for dbo.sp_WriteChunk (sql/030, sql/070): as segments when the rows
 * follow a row- or column-major layout, each packing its rows' chunk atom ordinals (the procedure maps them to the
 * parent's dictionary, whose ordinals exist only inside its transaction, and repacks them); otherwise row by row.
 *
 * @param plan   the segments, or null when the rows are staged as rows
 * @param widths bytes per position of each segment's packed column
 * @param packed each segment's packed chunk ordinals
 * @param rows   the rows staged one by one (empty when {@code plan} is set)
 */
record StagedCompositions(SegmentPlan plan, int[] widths, byte[][] packed, CompositionBatch rows) {

    /** Segments when {@code segments} is on and the rows follow a layout; rows otherwise. */
    static StagedCompositions of(CompositionBatch batch, boolean segments) {
        SegmentPlan plan = segments ? SegmentPlan.of(batch) : null;
        if (plan == null) {
            return new StagedCompositions(null, new int[0], new byte[0][], batch);
        }
        int[] ordinals = batch.atomOrdinal();
        int[] widths = new int[plan.segments()];
        byte[][] packed = new byte[plan.segments()][];
        for (int s = 0; s < plan.segments(); s++) {
            widths[s] = plan.width(s, ordinals);
            packed[s] = plan.pack(s, ordinals, widths[s]);
        }
        return new StagedCompositions(plan, widths, packed, CompositionBatch.EMPTY);
    }

    int segmentCount() {
        return plan == null ? 0 : plan.segments();
    }
}
