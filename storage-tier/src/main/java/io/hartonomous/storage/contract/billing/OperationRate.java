package io.hartonomous.storage.contract.billing;

import java.math.BigDecimal;

/** A plan's price of one operation: {@code baseRate} (in the plan's currency) per {@code unit}. */
public record OperationRate(String operation, BigDecimal baseRate, String unit) {
    public OperationRate {
        if (operation == null || operation.isBlank() || operation.length() > UsageEntry.MAX_OPERATION) {
            throw new IllegalArgumentException("an operation is 1-" + UsageEntry.MAX_OPERATION + " characters");
        }
        baseRate = Money.requireRate(baseRate);
        if (unit == null || !unit.matches("[A-Za-z0-9._ -]{1,32}")) {
            throw new IllegalArgumentException("a rate's unit is 1-32 letters, digits, spaces or . _ -, got '" + unit
                    + "'");
        }
    }
}
