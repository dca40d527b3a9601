package io.hartonomous.storage.contract.operations;

import java.math.BigDecimal;

/** Usage summed per group key (operation or day), within a tenant: requests, units and their recorded cost. */
public record UsageGroup(String key, long requests, long units, BigDecimal cost) {
}
