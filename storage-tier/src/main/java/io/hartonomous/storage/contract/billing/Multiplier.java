package io.hartonomous.storage.contract.billing;

import java.math.BigDecimal;

/** A plan's pricing factor: applies to a use its {@link MultiplierKind} matches with {@code criteria}. */
public record Multiplier(String id, MultiplierKind kind, String criteria, BigDecimal factor) {
    public Multiplier {
        id = Money.requireName("a multiplier id", id);
        if (kind == null) {
            throw new IllegalArgumentException("a multiplier kind is required: complexity, content_type or grounding");
        }
        criteria = kind.requireCriteria(criteria);
        factor = Money.requireFactor(factor);
    }

    public boolean appliesTo(UsageEntry use) {
        return kind.applies(criteria, use);
    }

    public AppliedMultiplier applied() {
        return new AppliedMultiplier(id, kind, criteria, factor);
    }
}
