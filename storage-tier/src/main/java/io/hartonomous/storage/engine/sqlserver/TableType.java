package io.hartonomous.storage.engine.sqlserver;

import java.sql.Types;
import java.util.List;

/**
 * The user-defined table types of sql/030_staging.sql the engine fills, with their columns in declaration order
 * (table-valued parameters are positional). The structural test compares these with the CREATE TYPE statements.
 */
enum TableType {
    ATOM_CHUNK("dbo.AtomChunkType", List.of(
            Column.of("Ordinal", Types.INTEGER),
            Column.sized("ContentHash", Types.BINARY, 32),
            Column.sized("Modality", Types.VARCHAR, 16),
            Column.sized("Subtype", Types.VARCHAR, 16),
            Column.sized("AtomicValue", Types.VARBINARY, 64))),
    SEGMENT_CHUNK("dbo.SegmentChunkType", List.of(
            Column.of("FirstSequence", Types.BIGINT),
            Column.of("PositionCount", Types.INTEGER),
            Column.of("Stride", Types.BIGINT),
            Column.of("ColumnMajor", Types.BIT),
            Column.of("OrdinalWidth", Types.TINYINT),
            Column.max("Ordinals", Types.VARBINARY))),
    COMPOSITION_CHUNK("dbo.CompositionChunkType", List.of(
            Column.of("SequenceIndex", Types.BIGINT),
            Column.of("PositionX", Types.BIGINT),
            Column.of("PositionY", Types.BIGINT),
            Column.of("AtomOrdinal", Types.INTEGER))),
    TENSOR_SEGMENT_CHUNK("dbo.TensorSegmentChunkType", List.of(
            Column.of("LayerIdx", Types.INTEGER),
            Column.of("FirstIndex", Types.BIGINT),
            Column.of("PositionCount", Types.INTEGER),
            Column.of("SizeX", Types.BIGINT),
            Column.of("SizeY", Types.BIGINT),
            Column.of("OrdinalWidth", Types.TINYINT),
            Column.max("Ordinals", Types.VARBINARY))),
    MODEL_LAYER("dbo.ModelLayerType", List.of(
            Column.of("LayerIdx", Types.INTEGER),
            Column.sized("Name", Types.NVARCHAR, 512),
            Column.sized("Shape", Types.VARCHAR, 512),
            Column.sized("DType", Types.VARCHAR, 16),
            Column.sized("StoredAs", Types.VARCHAR, 16),
            Column.of("ElementCount", Types.BIGINT))),
    WEIGHT_UPDATE("dbo.WeightUpdateType", List.of(
            Column.of("Ordinal", Types.INTEGER),
            Column.of("PositionZ", Types.BIGINT),
            Column.of("PositionY", Types.BIGINT),
            Column.of("PositionX", Types.BIGINT),
            Column.sized("ContentHash", Types.BINARY, 32),
            Column.sized("Modality", Types.VARCHAR, 16),
            Column.sized("Subtype", Types.VARCHAR, 16),
            Column.sized("AtomicValue", Types.VARBINARY, 64)));

    private final String typeName;
    private final List<Column> columns;

    TableType(String typeName, List<Column> columns) {
        this.typeName = typeName;
        this.columns = columns;
    }

    /** Schema-qualified name, as {@code setStructured} wants it. */
    String typeName() {
        return typeName;
    }

    List<Column> columns() {
        return columns;
    }
}
