package io.hartonomous.storage.contract.billing;

import java.math.BigDecimal;
import java.util.List;

/** What a recorded use cost, under which plan: stored with the use, so later price changes leave it as it was. */
public record PricedUse(String plan, String currency, String unit, BigDecimal baseRate,
                        List<AppliedMultiplier> multipliers, BigDecimal cost) {
}
