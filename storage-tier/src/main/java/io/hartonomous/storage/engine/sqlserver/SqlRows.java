package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.engine.jdbc.ContractRows;
import io.hartonomous.storage.engine.jdbc.InstantColumn;

/**
 * Result rows of the procedures as contract records, read by column name (the names the procedures' SELECT lists
 * give) through the readers both engines share. SQL Server keeps time as UTC DATETIME2.
 */
final class SqlRows {
    static final ContractRows RECORDS = new ContractRows(InstantColumn.UTC_WALL_CLOCK);

    private SqlRows() {
    }
}
