package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.billing.AppliedMultiplier;
import io.hartonomous.storage.contract.billing.PricedUse;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.billing.StatementLine;
import io.hartonomous.storage.contract.billing.UsageEntry;
import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.hartonomous.storage.contract.operations.UsageLedger;
import io.hartonomous.storage.engine.jdbc.BillingRows;

import java.time.Instant;
import java.util.List;

/**
 * Usage through sql/076: the session tenant's plan is read (only the operation's rate), the use priced by the
 * contract's {@link RatePlan#price}, and the priced row inserted by the natively compiled procedure into the
 * memory-optimized ledger. Two calls: a plan changed between them prices the use as it was a moment before.
 */
record SqlServerUsageLedger(Session session) implements UsageLedger {
    @Override
    public PricedUse record(UsageEntry use) {
        PricedUse priced = plan(use.operation()).price(use);
        session.execute(Procedures.RECORD_USAGE, call -> call.setString("Operation", use.operation())
                .setLong("Units", use.units())
                .setDecimal("Cost", priced.cost())
                .setDecimal("BaseRate", priced.baseRate())
                .setString("UnitName", priced.unit())
                .setString("Multipliers", AppliedMultiplier.encode(priced.multipliers()))
                .setString("PlanName", priced.plan())
                .setString("Currency", priced.currency()));
        return priced;
    }

    private RatePlan plan(String operation) {
        List<RatePlan> plans = SqlServerBillingPlans.plans(session, Procedures.GET_TENANT_RATE_PLAN,
                call -> call.setString("Operation", operation));
        if (plans.size() != 1) {
            throw new IllegalStateException("the session tenant's rate plan is missing");
        }
        return plans.getFirst();
    }

    @Override
    public RatePlan plan() {
        return plan(null);
    }

    @Override
    public List<UsageGroup> usage(Instant from, Instant to, UsageGrouping groupBy) {
        UsageLedger.requireRange(from, to);
        return session.list(Procedures.GET_USAGE, call -> call.setInstant("From", from).setInstant("To", to)
                .setString("GroupBy", groupBy.name()), BillingRows::group);
    }

    @Override
    public List<StatementLine> statement(Instant from, Instant to) {
        UsageLedger.requireRange(from, to);
        return session.list(Procedures.GET_USAGE_STATEMENT, call -> call.setInstant("From", from).setInstant("To", to),
                BillingRows::line);
    }
}
