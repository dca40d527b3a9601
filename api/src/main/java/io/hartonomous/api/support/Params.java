package io.hartonomous.api.support;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parsing of path and query parameters into clear 400s (never a framework 404 for a malformed id). */
public final class Params {
    private Params() {
    }

    /** A positive 64-bit id. */
    public static long id(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        try {
            long id = Long.parseLong(text.strip());
            if (id < 1) {
                throw new IllegalArgumentException(what + " must be a positive integer, got " + text);
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a positive integer, got '" + text + "'");
        }
    }

    /** An optional integer within [min, max]; {@code fallback} when absent. */
    public static long bounded(String what, String text, long fallback, long min, long max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be an integer, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /**
     * An optional ISO-8601 instant: {@code 2025-01-31T12:00:00Z}, with an offset ({@code +02:00}), or a date
     * ({@code 2025-01-31}, meaning its start in UTC). Null when absent.
     */
    public static Instant instant(String what, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw new IllegalArgumentException(what + " must be an ISO-8601 timestamp such as "
                        + "2025-01-31T12:00:00Z, got '" + text + "'");
            }
        }
    }
}
