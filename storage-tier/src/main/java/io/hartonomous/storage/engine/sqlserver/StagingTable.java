package io.hartonomous.storage.engine.sqlserver;

import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The bulk-load staging tables of sql/030_staging.sql. Each holds the rows of its chunk table type, prefixed by the
 * per-attempt {@code BatchId} and the {@code JobId} (so a finished job can sweep what a crashed writer left). The
 * column order here is the bulk-copy order; the structural test compares it with the CREATE TABLE statements.
 */
enum StagingTable {
    ATOMS("dbo.StagingAtoms", TableType.ATOM_CHUNK),
    SEGMENTS("dbo.StagingSegments", TableType.SEGMENT_CHUNK),
    COMPOSITIONS("dbo.StagingCompositions", TableType.COMPOSITION_CHUNK),
    TENSOR_SEGMENTS("dbo.StagingTensorSegments", TableType.TENSOR_SEGMENT_CHUNK);

    /** UNIQUEIDENTIFIER goes over bulk copy as its 36-character text form (the driver converts it). */
    static final List<Column> KEY = List.of(
            Column.sized("BatchId", microsoft.sql.Types.GUID, 36),
            Column.of("JobId", Types.BIGINT));

    private final String tableName;
    private final TableType rows;

    StagingTable(String tableName, TableType rows) {
        this.tableName = tableName;
        this.rows = rows;
    }

    String tableName() {
        return tableName;
    }

    /** The chunk table type whose columns follow the key. */
    TableType rowType() {
        return rows;
    }

    List<Column> columns() {
        List<Column> all = new ArrayList<>(KEY);
        all.addAll(rows.columns());
        return List.copyOf(all);
    }
}
