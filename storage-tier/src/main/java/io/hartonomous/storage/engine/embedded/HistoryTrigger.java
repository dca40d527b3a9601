package io.hartonomous.storage.engine.embedded;

import org.h2.api.Trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * H2's stand-in for SQL Server system versioning: before a row of {@code T} is updated or deleted, its old version
 * goes to {@code THistory} with {@code ValidTo = now}, and an updated row gets {@code ValidFrom = now}.
 * The history table has the same columns in the same order, plus ValidTo.
 */
public final class HistoryTrigger implements Trigger {
    private String insertHistory;
    private int validFromIndex = -1;
    private int columnCount;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME"));
            }
        }
        columnCount = columns.size();
        validFromIndex = columns.stream().map(c -> c.toUpperCase()).toList().indexOf("VALIDFROM");
        if (validFromIndex < 0) {
            throw new SQLException("table " + tableName + " has no ValidFrom column for history");
        }
        insertHistory = "INSERT INTO \"" + schemaName + "\".\"" + tableName + "HISTORY\" VALUES ("
                + "?, ".repeat(columnCount) + "?)";
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (oldRow == null) {
            return;
        }
        Object now = Instant.now().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
        try (PreparedStatement ps = conn.prepareStatement(insertHistory)) {
            for (int i = 0; i < columnCount; i++) {
                ps.setObject(i + 1, oldRow[i]);
            }
            ps.setObject(columnCount + 1, now);
            ps.executeUpdate();
        }
        if (newRow != null) {
            newRow[validFromIndex] = now;
        }
    }
}
