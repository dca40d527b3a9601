package io.hartonomous.storage.engine.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the current row of a result set as one value. */
@FunctionalInterface
public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;

    /** Every remaining row of the result set. */
    default List<T> all(ResultSet rs) throws SQLException {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(map(rs));
        }
        return rows;
    }
}
