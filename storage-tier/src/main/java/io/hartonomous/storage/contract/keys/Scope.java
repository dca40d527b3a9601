package io.hartonomous.storage.contract.keys;

import java.util.Locale;

/** What an API key may do. */
public enum Scope {
    INGEST, QUERY, ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scope '" + text + "' (expected ingest, query or admin)", e);
        }
    }
}
