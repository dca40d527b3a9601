package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.billing.AppliedMultiplier;
import io.hartonomous.storage.contract.billing.PricedUse;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.billing.StatementLine;
import io.hartonomous.storage.contract.billing.UsageEntry;
import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.hartonomous.storage.contract.operations.UsageLedger;
import io.hartonomous.storage.engine.jdbc.BillingRows;
import io.hartonomous.storage.engine.jdbc.RowMapper;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Usage rows per tenant, each priced under the tenant's plan when recorded; summed per operation or per UTC day. */
record EmbeddedUsageLedger(String tenantId, UnitOfWork tx) implements UsageLedger {
    /** The range predicate both reads share: parameters 2-5 are from, from, to, to. */
    private static final String IN_RANGE = "TenantId = ? "
            + "AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR RecordedAt >= ?) "
            + "AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR RecordedAt < ?)";

    @Override
    public PricedUse record(UsageEntry use) {
        // The plan is read in the insert's transaction, so a use is priced by one consistent version of its plan.
        return tx.inTransaction("record", c -> {
            PricedUse priced = currentPlan(c, use.operation()).price(use);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO UsageLedger (TenantId, Operation, Units, "
                    + "Cost, BaseRate, UnitName, Multipliers, PlanName, Currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, tenantId);
                ps.setString(2, use.operation());
                ps.setLong(3, use.units());
                ps.setBigDecimal(4, priced.cost());
                ps.setBigDecimal(5, priced.baseRate());
                ps.setString(6, priced.unit());
                ps.setString(7, AppliedMultiplier.encode(priced.multipliers()));
                ps.setString(8, priced.plan());
                ps.setString(9, priced.currency());
                ps.executeUpdate();
            }
            return priced;
        });
    }

    /** The tenant's plan with only this operation's rate (all rates when null). */
    private RatePlan currentPlan(Connection c, String operation) throws SQLException {
        String plan = EmbeddedBillingPlans.planOf(c, tenantId);
        return EmbeddedBillingPlans.load(c, plan, operation).orElseThrow(() -> new IllegalStateException(
                "the rate plan '" + plan + "' of tenant " + tenantId + " is missing"));
    }

    @Override
    public RatePlan plan() {
        return tx.read("plan", c -> currentPlan(c, null));
    }

    @Override
    public List<UsageGroup> usage(Instant from, Instant to, UsageGrouping groupBy) {
        UsageLedger.requireRange(from, to);
        String key = groupBy == UsageGrouping.DAY
                ? "CAST(CAST(RecordedAt AT TIME ZONE 'UTC' AS DATE) AS VARCHAR)" : "Operation";
        return tx.read("usage", c -> select(c, "SELECT " + key + " AS GroupKey, COUNT(*) AS Requests, "
                + "SUM(Units) AS Units, SUM(Cost) AS Cost FROM UsageLedger WHERE " + IN_RANGE
                + " GROUP BY GroupKey ORDER BY GroupKey", from, to, BillingRows::group));
    }

    @Override
    public List<StatementLine> statement(Instant from, Instant to) {
        UsageLedger.requireRange(from, to);
        return tx.read("statement", c -> select(c, "SELECT Operation, PlanName, Currency, UnitName, BaseRate, "
                + "Multipliers, COUNT(*) AS Requests, SUM(Units) AS Units, SUM(Cost) AS Cost FROM UsageLedger WHERE "
                + IN_RANGE + " GROUP BY Operation, PlanName, Currency, UnitName, BaseRate, Multipliers "
                + "ORDER BY Operation, PlanName, Currency, BaseRate, Multipliers", from, to, BillingRows::line));
    }

    private <T> List<T> select(Connection c, String sql, Instant from, Instant to, RowMapper<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            Rows.setInstant(ps, 2, from);
            Rows.setInstant(ps, 3, from);
            Rows.setInstant(ps, 4, to);
            Rows.setInstant(ps, 5, to);
            try (ResultSet rs = ps.executeQuery()) {
                return row.all(rs);
            }
        }
    }
}
