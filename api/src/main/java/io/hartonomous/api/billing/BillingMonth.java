package io.hartonomous.api.billing;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** A calendar month in UTC, {@code [from, to)}, parsed from {@code YYYY-MM}. */
record BillingMonth(YearMonth month, Instant from, Instant to) {
    static BillingMonth parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("month is required: YYYY-MM, e.g. 2026-01");
        }
        String t = text.strip();
        YearMonth month;
        try {
            month = t.matches("\\d{4}-\\d{2}") ? YearMonth.parse(t) : null;
        } catch (DateTimeParseException e) {
            month = null;
        }
        if (month == null) {
            throw new IllegalArgumentException("month must be YYYY-MM (e.g. 2026-01), got '" + text + "'");
        }
        return new BillingMonth(month, month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
