package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.engine.segments.TensorSegmentPlan;

/**
 * A chunk's coefficient rows as they are staged for dbo.sp_WriteChunk (sql/030, sql/070): tensor segments cut by the
 * tensors' grids, each packing its rows' chunk atom ordinals (the procedure maps them to the model's dictionary, whose
 * ordinals exist only inside its transaction, and repacks them).
 *
 * @param plan   the segments (null when the chunk has no coefficient rows)
 * @param widths bytes per element of each segment's packed column
 * @param packed each segment's packed chunk ordinals
 */
record StagedTensors(TensorSegmentPlan plan, int[] widths, byte[][] packed) {
    static final StagedTensors NONE = new StagedTensors(null, new int[0], new byte[0][]);

    /** The batch's segments; {@code grids} is needed only when the batch has rows. */
    static StagedTensors of(CoefficientBatch rows, TensorGrids grids) {
        if (rows.size() == 0) {
            return NONE;
        }
        TensorSegmentPlan plan = TensorSegmentPlan.of(rows, grids::grid, grids.modelId());
        int[] ordinals = rows.atomOrdinal();
        int[] widths = new int[plan.segments()];
        byte[][] packed = new byte[plan.segments()][];
        for (int s = 0; s < plan.segments(); s++) {
            widths[s] = plan.width(s, ordinals);
            packed[s] = plan.pack(s, ordinals, widths[s]);
        }
        return new StagedTensors(plan, widths, packed);
    }

    int segmentCount() {
        return plan == null ? 0 : plan.segments();
    }
}
