package io.hartonomous.storage.contract;

import java.time.Instant;
import java.util.List;

/** Billing: every metered operation is recorded and summed per tenant. */
public interface UsageLedger {
    void record(String operation, long units);

    List<UsageGroup> usage(Instant from, Instant to, UsageGrouping groupBy);
}
