package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.hartonomous.storage.contract.operations.UsageLedger;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Usage rows per tenant; summed per operation or per UTC day. */
record EmbeddedUsageLedger(String tenantId, UnitOfWork tx) implements UsageLedger {
    @Override
    public void record(String operation, long units) {
        UsageLedger.requireEntry(operation, units);
        tx.inTransaction("record", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO UsageLedger (TenantId, Operation, Units) VALUES (?, ?, ?)")) {
                ps.setString(1, tenantId);
                ps.setString(2, operation);
                ps.setLong(3, units);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<UsageGroup> usage(Instant from, Instant to, UsageGrouping groupBy) {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("the usage range ends before it starts");
        }
        String key = groupBy == UsageGrouping.DAY
                ? "CAST(CAST(RecordedAt AT TIME ZONE 'UTC' AS DATE) AS VARCHAR)" : "Operation";
        return tx.read("usage", c -> {
            List<UsageGroup> groups = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + key + " AS GroupKey, COUNT(*) AS Requests, "
                    + "SUM(Units) AS Units FROM UsageLedger WHERE TenantId = ? "
                    + "AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR RecordedAt >= ?) "
                    + "AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR RecordedAt < ?) "
                    + "GROUP BY GroupKey ORDER BY GroupKey")) {
                ps.setString(1, tenantId);
                Rows.setInstant(ps, 2, from);
                Rows.setInstant(ps, 3, from);
                Rows.setInstant(ps, 4, to);
                Rows.setInstant(ps, 5, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        groups.add(new UsageGroup(rs.getString("GroupKey"), rs.getLong("Requests"),
                                rs.getLong("Units")));
                    }
                }
            }
            return groups;
        });
    }
}
