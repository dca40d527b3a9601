package io.hartonomous.storage.contract.operations;

/** Usage summed per group key (operation or day), within a tenant. */
public record UsageGroup(String key, long requests, long units) {
}
