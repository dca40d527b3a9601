package io.hartonomous.storage.contract.billing;

import java.math.BigDecimal;
import java.util.List;

/**
 * One line of a monthly statement: the uses of one operation at one price (plan, currency, rate, unit and
 * multipliers applied), summed; an operation priced differently during the month has one line per price.
 */
public record StatementLine(String plan, String currency, String operation, String unit, BigDecimal baseRate,
                            List<AppliedMultiplier> multipliers, long requests, long units, BigDecimal cost) {
    public StatementLine {
        multipliers = List.copyOf(multipliers);
    }
}
