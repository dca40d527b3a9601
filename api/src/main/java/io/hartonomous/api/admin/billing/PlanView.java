package io.hartonomous.api.admin.billing;

import io.hartonomous.storage.contract.billing.RatePlan;

import java.math.BigDecimal;
import java.util.List;

/** A rate plan as the admin API shows it: rates and factors as plain decimals without trailing zeros. */
public record PlanView(String name, String currency, List<Rate> rates, List<Factor> multipliers) {
    public record Rate(String operation, BigDecimal baseRate, String unit) {
    }

    public record Factor(String id, String kind, String criteria, BigDecimal factor) {
    }

    static PlanView of(RatePlan plan) {
        return new PlanView(plan.name(), plan.currency(),
                plan.rates().stream().map(r -> new Rate(r.operation(), r.baseRate().stripTrailingZeros(), r.unit()))
                        .toList(),
                plan.multipliers().stream().map(m -> new Factor(m.id(), m.kind().wireName(), m.criteria(),
                        m.factor().stripTrailingZeros())).toList());
    }
}
