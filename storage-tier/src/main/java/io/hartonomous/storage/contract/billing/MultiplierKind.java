package io.hartonomous.storage.contract.billing;

import java.util.Locale;

/**
 * What a multiplier looks at, and how its criteria match a use (the original design's complexity, content type and
 * grounding factors):
 * <ul>
 *   <li>{@code complexity}: a band {@code min..max} (half-open, either end may be left out: {@code 1000..}) of the
 *   use's complexity figure (an ingest reports its file's distinct atoms);</li>
 *   <li>{@code content_type}: a media type ({@code image/png}) or a modality / major type ({@code image}, matching
 *   every {@code image/*}), case-insensitive;</li>
 *   <li>{@code grounding}: a label the caller reports for how its answer is grounded ({@code exact},
 *   {@code approximate}), case-insensitive.</li>
 * </ul>
 */
public enum MultiplierKind {
    COMPLEXITY, CONTENT_TYPE, GROUNDING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MultiplierKind parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a multiplier kind is required: complexity, content_type or grounding");
        }
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown multiplier kind '" + text
                    + "' (expected complexity, content_type or grounding)", e);
        }
    }

    /** Refuses criteria this kind cannot match; returns them as stored. */
    public String requireCriteria(String criteria) {
        if (criteria == null || !criteria.matches("[A-Za-z0-9._+/-]{1,64}")) {
            throw new IllegalArgumentException("multiplier criteria are 1-64 characters of letters, digits and . _ + / -,"
                    + " got '" + criteria + "'");
        }
        if (this == COMPLEXITY) {
            band(criteria);
        }
        return criteria;
    }

    /** True when a multiplier of this kind with these criteria applies to the use. */
    public boolean applies(String criteria, UsageEntry use) {
        return switch (this) {
            case COMPLEXITY -> use.complexity() != null && inBand(criteria, use.complexity());
            case CONTENT_TYPE -> use.contentType() != null && contentTypeMatches(criteria, use.contentType());
            case GROUNDING -> use.grounding() != null && use.grounding().equalsIgnoreCase(criteria);
        };
    }

    private static boolean contentTypeMatches(String criteria, String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        String wanted = criteria.toLowerCase(Locale.ROOT);
        return type.equals(wanted) || (wanted.indexOf('/') < 0 && type.startsWith(wanted + "/"));
    }

    private static boolean inBand(String criteria, long value) {
        long[] band = band(criteria);
        return value >= band[0] && value < band[1];
    }

    /** {@code min..max} → [min, max); a missing end is open. */
    private static long[] band(String criteria) {
        int dots = criteria.indexOf("..");
        if (dots < 0) {
            throw new IllegalArgumentException("a complexity band is min..max (either end may be left out), got '"
                    + criteria + "'");
        }
        try {
            long min = dots == 0 ? Long.MIN_VALUE : Long.parseLong(criteria.substring(0, dots));
            String upper = criteria.substring(dots + 2);
            long max = upper.isEmpty() ? Long.MAX_VALUE : Long.parseLong(upper);
            if (min >= max) {
                throw new IllegalArgumentException("the complexity band '" + criteria + "' is empty");
            }
            return new long[] {min, max};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a complexity band is min..max of integers, got '" + criteria + "'",
                    e);
        }
    }
}
