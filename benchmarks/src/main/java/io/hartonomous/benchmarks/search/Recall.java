package io.hartonomous.benchmarks.search;

import java.util.Arrays;
import java.util.List;

/** Recall@k and latency percentiles, the figures the search benchmark reports. */
public final class Recall {
    private Recall() {
    }

    /** |found ∩ truth| / |truth|: the share of the true k nearest that were found (order ignored). */
    public static double at(long[] truth, List<Long> found) {
        if (truth.length == 0) {
            return 1;
        }
        int hits = 0;
        for (long t : truth) {
            if (found.contains(t)) {
                hits++;
            }
        }
        return hits / (double) truth.length;
    }

    /** Mean recall over queries. */
    public static double mean(double[] recalls) {
        return Arrays.stream(recalls).average().orElse(Double.NaN);
    }

    /** The nearest-rank percentile (p in (0, 100]) of the values: the smallest value with p % at or below it. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
