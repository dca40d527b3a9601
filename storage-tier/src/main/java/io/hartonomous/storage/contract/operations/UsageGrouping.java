package io.hartonomous.storage.contract.operations;

import java.util.Locale;

/** How usage is summed. */
public enum UsageGrouping {
    OPERATION, DAY;

    public static UsageGrouping parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown groupBy '" + text + "' (expected operation or day)", e);
        }
    }
}
