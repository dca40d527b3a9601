package io.hartonomous.storage.contract.billing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A price list: a currency, a rate per operation, and multipliers. {@link #price} is the one definition of what a
 * use costs, on every engine: {@code baseRate × every factor that applies × units}, exact, then rounded once
 * ({@link Money#COST_SCALE} decimals, half-up). An operation without a rate costs 0 and is still recorded.
 */
public record RatePlan(String name, String currency, List<OperationRate> rates, List<Multiplier> multipliers) {
    /** The plan of every tenant that was not assigned one; the schema creates it (USD, no rates). */
    public static final String DEFAULT = "default";
    /** The most multipliers a plan holds, so that the ones applied to a use fit the ledger's Multipliers column. */
    public static final int MAX_MULTIPLIERS = 8;

    public RatePlan {
        name = requireName(name);
        currency = requireCurrency(currency);
        rates = rates.stream().sorted(Comparator.comparing(OperationRate::operation)).toList();
        multipliers = multipliers.stream().sorted(Comparator.comparing(Multiplier::id)).toList();
    }

    public static String requireName(String name) {
        return Money.requireName("a plan name", name);
    }

    /** An ISO 4217-style code: three letters, stored upper case. */
    public static String requireCurrency(String currency) {
        if (currency == null || !currency.strip().matches("[A-Za-z]{3}")) {
            throw new IllegalArgumentException("a currency is three letters (ISO 4217, e.g. USD), got '" + currency
                    + "'");
        }
        return currency.strip().toUpperCase(Locale.ROOT);
    }

    public PricedUse price(UsageEntry use) {
        OperationRate rate = rates.stream().filter(r -> r.operation().equals(use.operation())).findFirst()
                .orElse(null);
        List<AppliedMultiplier> applied = new ArrayList<>();
        if (rate != null) {
            for (Multiplier m : multipliers) {
                if (m.appliesTo(use)) {
                    applied.add(m.applied());
                }
            }
        }
        BigDecimal baseRate = rate == null ? BigDecimal.ZERO.setScale(Money.RATE_SCALE) : rate.baseRate();
        BigDecimal cost = Money.cost(baseRate, applied.stream().map(AppliedMultiplier::factor).toList(), use.units());
        return new PricedUse(name, currency, rate == null ? null : rate.unit(), baseRate, List.copyOf(applied), cost);
    }
}
