package io.hartonomous.storage.contract.billing;

/**
 * One billable use as the metering side reports it: the operation, its units, and what multipliers may look at
 * (each null when the use has no such figure).
 */
public record UsageEntry(String operation, long units, String contentType, Long complexity, String grounding) {
    public static final int MAX_OPERATION = 64;

    public UsageEntry {
        if (operation == null || operation.isBlank() || operation.length() > MAX_OPERATION) {
            throw new IllegalArgumentException("a usage operation is 1-" + MAX_OPERATION + " characters");
        }
        if (units < 0) {
            throw new IllegalArgumentException("usage units cannot be negative");
        }
        if (contentType != null && contentType.length() > 128) {
            throw new IllegalArgumentException("a usage content type is at most 128 characters");
        }
        if (grounding != null && grounding.length() > 64) {
            throw new IllegalArgumentException("a usage grounding is at most 64 characters");
        }
    }

    public static UsageEntry of(String operation, long units) {
        return new UsageEntry(operation, units, null, null, null);
    }
}
