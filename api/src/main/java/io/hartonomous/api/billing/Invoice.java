package io.hartonomous.api.billing;

import io.hartonomous.storage.contract.billing.AppliedMultiplier;
import io.hartonomous.storage.contract.billing.Money;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.billing.StatementLine;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tenant's monthly statement. Each line is the uses of one operation at one price, as recorded (plan, unit, rate,
 * multipliers applied), so a price change mid-month shows as two lines. {@code plan} and {@code currency} are the
 * tenant's plan now; {@code total} sums the lines in that currency, {@code totals} every currency that occurs (a
 * tenant moved to a plan in another currency during the month has more than one).
 */
public record Invoice(String tenant, String month, Instant from, Instant to, String plan, String currency,
                      List<Line> lines, BigDecimal total, List<Total> totals) {

    public record Line(String operation, String plan, String currency, String unit, BigDecimal rate,
                       List<AppliedFactor> multipliers, long requests, long units, BigDecimal cost) {
    }

    public record AppliedFactor(String id, String kind, String criteria, BigDecimal factor) {
        static AppliedFactor of(AppliedMultiplier m) {
            return new AppliedFactor(m.id(), m.kind().wireName(), m.criteria(), m.factor().stripTrailingZeros());
        }
    }

    public record Total(String currency, BigDecimal total) {
    }

    static Invoice of(String tenant, BillingMonth month, RatePlan plan, List<StatementLine> statement) {
        Map<String, BigDecimal> totals = new TreeMap<>();
        totals.put(plan.currency(), Money.zeroCost());
        List<Line> lines = statement.stream().map(l -> {
            totals.merge(l.currency(), l.cost(), BigDecimal::add);
            return new Line(l.operation(), l.plan(), l.currency(), l.unit(), l.baseRate().stripTrailingZeros(),
                    l.multipliers().stream().map(AppliedFactor::of).toList(), l.requests(), l.units(), l.cost());
        }).toList();
        return new Invoice(tenant, month.month().toString(), month.from(), month.to(), plan.name(), plan.currency(),
                lines, totals.get(plan.currency()),
                totals.entrySet().stream().map(e -> new Total(e.getKey(), e.getValue())).toList());
    }
}
