package io.hartonomous.storage.contract.operations;

import io.hartonomous.storage.contract.billing.PricedUse;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.billing.StatementLine;
import io.hartonomous.storage.contract.billing.UsageEntry;

import java.time.Instant;
import java.util.List;

/**
 * Billing: every metered use is priced under the tenant's rate plan at the moment it is recorded
 * ({@link RatePlan#price}) and stored with its cost; usage and statements sum what was recorded.
 */
public interface UsageLedger {
    /** Prices the use under the tenant's plan and records it with its cost, in one unit of work. */
    PricedUse record(UsageEntry use);

    /** A use with nothing for multipliers to look at. */
    default void record(String operation, long units) {
        record(UsageEntry.of(operation, units));
    }

    List<UsageGroup> usage(Instant from, Instant to, UsageGrouping groupBy);

    /** Uses in [from, to), one line per operation and price, ordered by operation. */
    List<StatementLine> statement(Instant from, Instant to);

    /** The tenant's current plan (assigned, else the default plan). */
    RatePlan plan();

    static void requireRange(Instant from, Instant to) {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("the usage range ends before it starts");
        }
    }
}
