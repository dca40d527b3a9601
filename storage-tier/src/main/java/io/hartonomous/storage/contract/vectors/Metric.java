package io.hartonomous.storage.contract.vectors;

import java.util.Locale;

/** Vector distance; smaller is closer for all three (dot is reported negated, as VECTOR_DISTANCE does). */
public enum Metric {
    COSINE, EUCLIDEAN, DOT;

    public static Metric parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown metric '" + text + "' (expected cosine, euclidean or dot)", e);
        }
    }
}
