package io.hartonomous.storage.contract.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The exact decimal formats of billing, the same on every engine (SQL: {@code DECIMAL(p,s)}). A value with more
 * decimals than its format holds is refused, never rounded silently; only a computed cost is rounded, once.
 */
public final class Money {
    /** Rates: DECIMAL(28,12), so a per-pixel or per-weight price of 10^-12 is expressible. */
    public static final int RATE_PRECISION = 28;
    public static final int RATE_SCALE = 12;
    /** Multiplier factors: DECIMAL(9,4), 0 to 99999.9999. */
    public static final int FACTOR_PRECISION = 9;
    public static final int FACTOR_SCALE = 4;
    /** Costs: DECIMAL(28,6), each use rounded half-up (away from zero) to 6 decimals. */
    public static final int COST_PRECISION = 28;
    public static final int COST_SCALE = 6;
    public static final RoundingMode COST_ROUNDING = RoundingMode.HALF_UP;

    private Money() {
    }

    static BigDecimal requireRate(BigDecimal rate) {
        return require("a base rate", rate, RATE_PRECISION, RATE_SCALE);
    }

    static BigDecimal requireFactor(BigDecimal factor) {
        return require("a multiplier factor", factor, FACTOR_PRECISION, FACTOR_SCALE);
    }

    /** Non-negative, at most {@code scale} decimals and {@code precision - scale} integer digits; returned at scale. */
    private static BigDecimal require(String what, BigDecimal value, int precision, int scale) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException(what + " cannot be negative, got " + value.toPlainString());
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > scale) {
            throw new IllegalArgumentException(what + " has at most " + scale + " decimals, got "
                    + value.toPlainString());
        }
        BigDecimal scaled = value.setScale(scale, RoundingMode.UNNECESSARY);
        if (scaled.precision() > precision && scaled.signum() != 0) {
            throw new IllegalArgumentException(what + " must be below 10^" + (precision - scale) + ", got "
                    + value.toPlainString());
        }
        return scaled;
    }

    /** The cost of {@code units} at {@code baseRate} times every factor: exact product, then one rounding. */
    static BigDecimal cost(BigDecimal baseRate, Iterable<BigDecimal> factors, long units) {
        BigDecimal exact = baseRate.multiply(BigDecimal.valueOf(units));
        for (BigDecimal f : factors) {
            exact = exact.multiply(f);
        }
        BigDecimal cost = exact.setScale(COST_SCALE, COST_ROUNDING);
        if (cost.precision() > COST_PRECISION) {
            throw new IllegalArgumentException("a cost of " + cost.toPlainString() + " exceeds DECIMAL("
                    + COST_PRECISION + "," + COST_SCALE + ")");
        }
        return cost;
    }

    /** Plan names and multiplier ids: 1-64 letters, digits or . _ -. */
    static String requireName(String what, String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException(what + " is 1-64 letters, digits or . _ -, got '" + name + "'");
        }
        return name;
    }

    /** A zero cost at the cost scale. */
    public static BigDecimal zeroCost() {
        return BigDecimal.ZERO.setScale(COST_SCALE);
    }
}
