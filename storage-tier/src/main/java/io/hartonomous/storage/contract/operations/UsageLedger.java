package io.hartonomous.storage.contract.operations;

import java.time.Instant;
import java.util.List;

/** Billing: every metered operation is recorded and summed per tenant. */
public interface UsageLedger {
    void record(String operation, long units);

    /** What every engine accepts: an operation of 1-64 characters and units that are not negative. */
    static void requireEntry(String operation, long units) {
        if (operation == null || operation.isBlank() || operation.length() > 64) {
            throw new IllegalArgumentException("a usage operation is 1-64 characters");
        }
        if (units < 0) {
            throw new IllegalArgumentException("usage units cannot be negative");
        }
    }

    List<UsageGroup> usage(Instant from, Instant to, UsageGrouping groupBy);
}
