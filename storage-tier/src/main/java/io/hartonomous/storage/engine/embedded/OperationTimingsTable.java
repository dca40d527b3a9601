package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.jdbc.OperationTimings;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * OodaOperationTimings (embedded/100): the contract calls' timings of every process that opened this database (the
 * API, the ingest tier, the storage process), added up per operation and hour. The OODA loop's slow-query
 * observation reads the last hour or two from here, so a cycle run by the storage process sees the calls the API
 * made, and a cause that was fixed stops being reported after at most two hours.
 */
final class OperationTimingsTable implements OperationTimings.Sink {
    /** Hours kept; older rows are deleted by the Analyze phase. */
    static final Duration KEPT = Duration.ofDays(7);

    /** One operation's figures over the window read. */
    record Window(String operation, long calls, double meanMillis, double maxMillis) {
    }

    private final UnitOfWork tx;

    OperationTimingsTable(UnitOfWork tx) {
        this.tx = tx;
    }

    static Instant hourOf(Instant t) {
        return t.truncatedTo(ChronoUnit.HOURS);
    }

    @Override
    public void write(List<OperationTimings.Timing> sinceLastWrite) {
        Instant hour = hourOf(Instant.now());
        tx.inTransaction("ooda.writeTimings", c -> {
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO OodaOperationTimings t USING (VALUES "
                    + "(CAST(? AS VARCHAR(128)), CAST(? AS TIMESTAMP(6) WITH TIME ZONE), CAST(? AS BIGINT), "
                    + "CAST(? AS BIGINT), CAST(? AS BIGINT))) AS s (Operation, HourStart, Calls, TotalMicros, MaxMicros) "
                    + "ON t.Operation = s.Operation AND t.HourStart = s.HourStart "
                    + "WHEN MATCHED THEN UPDATE SET Calls = t.Calls + s.Calls, TotalMicros = t.TotalMicros + "
                    + "s.TotalMicros, MaxMicros = GREATEST(t.MaxMicros, s.MaxMicros) "
                    + "WHEN NOT MATCHED THEN INSERT (Operation, HourStart, Calls, TotalMicros, MaxMicros) "
                    + "VALUES (s.Operation, s.HourStart, s.Calls, s.TotalMicros, s.MaxMicros)")) {
                for (OperationTimings.Timing t : sinceLastWrite) {
                    ps.setString(1, t.operation().length() <= 128 ? t.operation() : t.operation().substring(0, 128));
                    Rows.setInstant(ps, 2, hour);
                    ps.setLong(3, t.calls());
                    ps.setLong(4, t.totalMicros());
                    ps.setLong(5, t.maxMicros());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Every operation's figures over the current and the previous hour. */
    static List<Window> recent(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT Operation, SUM(Calls), SUM(TotalMicros), "
                + "MAX(MaxMicros) FROM OodaOperationTimings WHERE HourStart >= ? GROUP BY Operation "
                + "ORDER BY Operation")) {
            Rows.setInstant(ps, 1, hourOf(Instant.now()).minus(Duration.ofHours(1)));
            List<Window> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long calls = rs.getLong(2);
                    out.add(new Window(rs.getString(1), calls, rs.getLong(3) / 1000.0 / Math.max(1, calls),
                            rs.getLong(4) / 1000.0));
                }
            }
            return out;
        }
    }

    /** Deletes the hours older than {@link #KEPT}. */
    static void forgetOld(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM OodaOperationTimings WHERE HourStart < ?")) {
            Rows.setInstant(ps, 1, hourOf(Instant.now()).minus(KEPT));
            ps.executeUpdate();
        }
    }
}
