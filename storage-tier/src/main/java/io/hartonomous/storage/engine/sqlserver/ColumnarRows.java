package io.hartonomous.storage.engine.sqlserver;

import com.microsoft.sqlserver.jdbc.ISQLServerBulkData;
import com.microsoft.sqlserver.jdbc.ISQLServerDataRecord;
import com.microsoft.sqlserver.jdbc.SQLServerMetaData;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Rows read straight out of columnar arrays, for {@code SQLServerBulkCopy} ({@link ISQLServerBulkData}) and for
 * table-valued parameters ({@link ISQLServerDataRecord}). No object is built per row: each call to
 * {@link #getRowData()} fills one reused array from the columns' cells (the driver writes a row's values before it
 * asks for the next row, as Microsoft's own ISQLServerDataRecord sample relies on too).
 */
final class ColumnarRows implements ISQLServerBulkData, ISQLServerDataRecord {
    /** The value of one column at a row index. */
    @FunctionalInterface
    interface Cell {
        Object at(int row);
    }

    private final List<Column> columns;
    private final Cell[] cells;
    private final int rowCount;
    private final Object[] current;
    private int row = -1;

    ColumnarRows(List<Column> columns, List<Cell> cells, int rowCount) {
        if (columns.isEmpty() || columns.size() != cells.size()) {
            throw new IllegalArgumentException("need one cell per column, got " + cells.size() + " cells for "
                    + columns.size() + " columns");
        }
        if (rowCount < 0) {
            throw new IllegalArgumentException("row count cannot be negative");
        }
        this.columns = List.copyOf(columns);
        this.cells = cells.toArray(new Cell[0]);
        this.rowCount = rowCount;
        this.current = new Object[cells.size()];
    }

    List<Column> columns() {
        return columns;
    }

    int rowCount() {
        return rowCount;
    }

    /** Column by 1-based ordinal, as both driver interfaces number them. */
    private Column column(int ordinal) {
        if (ordinal < 1 || ordinal > columns.size()) {
            throw new IllegalArgumentException("column ordinal " + ordinal + " is outside 1.." + columns.size());
        }
        return columns.get(ordinal - 1);
    }

    @Override
    public Set<Integer> getColumnOrdinals() {
        Set<Integer> ordinals = new LinkedHashSet<>();
        for (int i = 1; i <= columns.size(); i++) {
            ordinals.add(i);
        }
        return ordinals;
    }

    @Override
    public String getColumnName(int column) {
        return column(column).name();
    }

    @Override
    public int getColumnType(int column) {
        return column(column).jdbcType();
    }

    @Override
    public int getPrecision(int column) {
        return column(column).precision();
    }

    @Override
    public int getScale(int column) {
        column(column);
        return 0;
    }

    @Override
    public int getColumnCount() {
        return columns.size();
    }

    @Override
    public SQLServerMetaData getColumnMetaData(int column) {
        Column c = column(column);
        return c.precision() == 0 ? new SQLServerMetaData(c.name(), c.jdbcType())
                : new SQLServerMetaData(c.name(), c.jdbcType(), c.precision(), 0);
    }

    @Override
    public boolean next() {
        if (row + 1 < rowCount) {
            row++;
            return true;
        }
        row = rowCount;
        return false;
    }

    @Override
    public Object[] getRowData() {
        if (row < 0 || row >= rowCount) {
            throw new IllegalStateException("no current row: call next() first (row " + row + " of " + rowCount + ")");
        }
        for (int i = 0; i < cells.length; i++) {
            current[i] = cells[i].at(row);
        }
        return current;
    }
}
