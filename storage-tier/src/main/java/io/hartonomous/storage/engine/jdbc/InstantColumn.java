package io.hartonomous.storage.engine.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** How an engine keeps a point in time, and so how to read one back as an {@link Instant} (null stays null). */
public enum InstantColumn {
    /** {@code TIMESTAMP WITH TIME ZONE} (H2): the offset travels with the value. */
    WITH_OFFSET {
        @Override
        public Instant read(ResultSet rs, String column) throws SQLException {
            OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
            return value == null ? null : value.toInstant();
        }
    },
    /**
     * {@code DATETIME2} holding UTC (SQL Server, SYSUTCDATETIME()): read as a wall-clock value at offset 0, never
     * through {@code java.sql.Timestamp}, whose JVM time zone would shift it.
     */
    UTC_WALL_CLOCK {
        @Override
        public Instant read(ResultSet rs, String column) throws SQLException {
            LocalDateTime value = rs.getObject(column, LocalDateTime.class);
            return value == null ? null : value.toInstant(ZoneOffset.UTC);
        }
    };

    public abstract Instant read(ResultSet rs, String column) throws SQLException;
}
