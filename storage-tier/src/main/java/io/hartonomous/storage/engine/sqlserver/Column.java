package io.hartonomous.storage.engine.sqlserver;

/**
 * One column of rows sent to SQL Server (bulk copy or table-valued parameter): its name, its {@code java.sql.Types}
 * (or {@code microsoft.sql.Types}) code and, for sized types, its length. The names and order are those of the
 * staging table or table type the rows go to; the structural test over sql/ holds the two together.
 */
record Column(String name, int jdbcType, int precision) {
    /** The precision of a {@code (MAX)} column: above 8,000 bytes, so the driver streams the values (PLP). */
    static final int MAX = Integer.MAX_VALUE;

    Column {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a column needs a name");
        }
        if (precision < 0) {
            throw new IllegalArgumentException("precision cannot be negative");
        }
    }

    static Column of(String name, int jdbcType) {
        return new Column(name, jdbcType, 0);
    }

    static Column sized(String name, int jdbcType, int length) {
        return new Column(name, jdbcType, length);
    }

    /** A {@code VARBINARY(MAX)} (or other {@code (MAX)}) column. */
    static Column max(String name, int jdbcType) {
        return new Column(name, jdbcType, MAX);
    }
}
