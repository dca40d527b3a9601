package io.hartonomous.storage.engine.jdbc;

import io.hartonomous.storage.contract.billing.AppliedMultiplier;
import io.hartonomous.storage.contract.billing.Money;
import io.hartonomous.storage.contract.billing.Multiplier;
import io.hartonomous.storage.contract.billing.MultiplierKind;
import io.hartonomous.storage.contract.billing.OperationRate;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.billing.StatementLine;
import io.hartonomous.storage.contract.operations.UsageGroup;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Billing rows as both engines return them. Plans come as one result set of rows of three kinds (RowKind 'plan',
 * 'rate', 'multiplier'; columns PlanName, Currency, Operation, BaseRate, UnitName, MultiplierId, Kind, Criteria,
 * Factor), so a plan with its rates and multipliers is one read on either engine.
 */
public final class BillingRows {
    private BillingRows() {
    }

    public static List<RatePlan> plans(ResultSet rs) throws SQLException {
        Map<String, String> currencies = new LinkedHashMap<>();
        Map<String, List<OperationRate>> rates = new LinkedHashMap<>();
        Map<String, List<Multiplier>> multipliers = new LinkedHashMap<>();
        while (rs.next()) {
            String plan = rs.getString("PlanName");
            switch (rs.getString("RowKind")) {
                case "plan" -> currencies.put(plan, rs.getString("Currency"));
                case "rate" -> rates.computeIfAbsent(plan, p -> new ArrayList<>()).add(new OperationRate(
                        rs.getString("Operation"), rs.getBigDecimal("BaseRate"), rs.getString("UnitName")));
                case "multiplier" -> multipliers.computeIfAbsent(plan, p -> new ArrayList<>()).add(new Multiplier(
                        rs.getString("MultiplierId"), MultiplierKind.parse(rs.getString("Kind")),
                        rs.getString("Criteria"), rs.getBigDecimal("Factor")));
                default -> throw new IllegalStateException("unknown plan row kind " + rs.getString("RowKind"));
            }
        }
        List<RatePlan> plans = new ArrayList<>();
        for (Map.Entry<String, String> p : currencies.entrySet()) {
            plans.add(new RatePlan(p.getKey(), p.getValue(), rates.getOrDefault(p.getKey(), List.of()),
                    multipliers.getOrDefault(p.getKey(), List.of())));
        }
        return plans;
    }

    /** Columns PlanName, Currency, Operation, UnitName, BaseRate, Multipliers, Requests, Units, Cost. */
    public static StatementLine line(ResultSet rs) throws SQLException {
        return new StatementLine(rs.getString("PlanName"), rs.getString("Currency"), rs.getString("Operation"),
                rs.getString("UnitName"), rs.getBigDecimal("BaseRate"),
                AppliedMultiplier.decode(rs.getString("Multipliers")), rs.getLong("Requests"), rs.getLong("Units"),
                cost(rs.getBigDecimal("Cost")));
    }

    /** Columns GroupKey, Requests, Units, Cost. */
    public static UsageGroup group(ResultSet rs) throws SQLException {
        return new UsageGroup(rs.getString("GroupKey"), rs.getLong("Requests"), rs.getLong("Units"),
                cost(rs.getBigDecimal("Cost")));
    }

    /** Sums come back at whatever scale the engine chose: costs are always shown at the cost scale. */
    private static BigDecimal cost(BigDecimal sum) {
        return sum == null ? Money.zeroCost() : sum.setScale(Money.COST_SCALE, java.math.RoundingMode.UNNECESSARY);
    }
}
