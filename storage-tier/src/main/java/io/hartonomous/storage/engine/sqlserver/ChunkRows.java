package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.models.WeightUpdate;
import io.hartonomous.storage.engine.jdbc.ContractRows;
import io.hartonomous.storage.engine.segments.SegmentPlan;
import io.hartonomous.storage.engine.segments.TensorSegmentPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Row sources over the contract's data, column for column as {@link TableType} and {@link StagingTable} declare them.
 * Chunk rows read the columnar batches in place; rows refer to atoms by ordinal (ids exist only after the merge).
 */
final class ChunkRows {
    /** The per-attempt staging key; {@code null} for table-valued parameters, which carry no key. */
    record StagingKey(UUID batchId, long jobId) {
    }

    private ChunkRows() {
    }

    static ColumnarRows atoms(List<NewAtom> atoms, StagingKey key) {
        List<ColumnarRows.Cell> cells = List.of(
                row -> row,
                row -> atoms.get(row).contentHash().bytes(),
                row -> atoms.get(row).type().modality().wireName(),
                row -> atoms.get(row).type().subtype(),
                row -> atoms.get(row).value());
        return rows(TableType.ATOM_CHUNK, StagingTable.ATOMS, key, cells, atoms.size());
    }

    /** The segments of {@code staged} (none when it stages rows), one row per segment. */
    static ColumnarRows segments(StagedCompositions staged, StagingKey key) {
        SegmentPlan plan = staged.plan();
        List<ColumnarRows.Cell> cells = List.of(
                row -> plan.firstSequence(row),
                row -> plan.positions(row),
                row -> plan.layout().stride(),
                row -> plan.layout().columnMajor(),
                row -> staged.widths()[row],
                row -> staged.packed()[row]);
        return rows(TableType.SEGMENT_CHUNK, StagingTable.SEGMENTS, key, cells, staged.segmentCount());
    }

    static ColumnarRows compositions(CompositionBatch batch, StagingKey key) {
        List<ColumnarRows.Cell> cells = List.of(
                row -> batch.sequenceIndex()[row],
                row -> batch.positionX()[row],
                row -> batch.positionY()[row],
                row -> batch.atomOrdinal()[row]);
        return rows(TableType.COMPOSITION_CHUNK, StagingTable.COMPOSITIONS, key, cells, batch.size());
    }

    /** The tensor segments of {@code staged}, one row per segment. */
    static ColumnarRows tensorSegments(StagedTensors staged, StagingKey key) {
        TensorSegmentPlan plan = staged.plan();
        List<ColumnarRows.Cell> cells = List.of(
                row -> plan.layer(row),
                row -> plan.firstIndex(row),
                row -> plan.positions(row),
                row -> plan.grid(row).sizeX(),
                row -> plan.grid(row).sizeY(),
                row -> staged.widths()[row],
                row -> staged.packed()[row]);
        return rows(TableType.TENSOR_SEGMENT_CHUNK, StagingTable.TENSOR_SEGMENTS, key, cells, staged.segmentCount());
    }

    /** A model's tensor table for dbo.sp_RegisterModel; the shape is stored as text "[a,b,c]", outermost first. */
    static ColumnarRows layers(List<ModelLayer> layers) {
        return new ColumnarRows(TableType.MODEL_LAYER.columns(), List.of(
                row -> layers.get(row).layerIdx(),
                row -> layers.get(row).name(),
                row -> ContractRows.shapeText(layers.get(row).shape()),
                row -> layers.get(row).dtype(),
                row -> layers.get(row).storedAs(),
                row -> layers.get(row).elementCount()), layers.size());
    }

    /** Weight replacements for dbo.sp_UpdateWeights, numbered in the caller's order. */
    static ColumnarRows weightUpdates(List<WeightUpdate> updates) {
        return new ColumnarRows(TableType.WEIGHT_UPDATE.columns(), List.of(
                row -> row,
                row -> updates.get(row).positionZ(),
                row -> updates.get(row).positionY(),
                row -> updates.get(row).positionX(),
                row -> updates.get(row).value().contentHash().bytes(),
                row -> updates.get(row).value().type().modality().wireName(),
                row -> updates.get(row).value().type().subtype(),
                row -> updates.get(row).value().value()), updates.size());
    }

    private static ColumnarRows rows(TableType type, StagingTable table, StagingKey key, List<ColumnarRows.Cell> cells,
                                     int rowCount) {
        if (key == null) {
            return new ColumnarRows(type.columns(), cells, rowCount);
        }
        String batchId = key.batchId().toString();
        Long jobId = key.jobId();
        List<ColumnarRows.Cell> staged = new ArrayList<>(cells.size() + 2);
        staged.add(row -> batchId);
        staged.add(row -> jobId);
        staged.addAll(cells);
        return new ColumnarRows(table.columns(), staged, rowCount);
    }
}
