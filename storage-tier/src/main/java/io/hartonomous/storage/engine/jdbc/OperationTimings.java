package io.hartonomous.storage.engine.jdbc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long an engine's units of work take, per operation name, since the engine was opened: the embedded engine's
 * stand-in for SQL Server's Query Store (the OODA loop's slow-query observation). In memory, one per engine.
 */
public final class OperationTimings {
    /** One operation's figures. */
    public record Timing(String operation, long calls, double meanMillis, double maxMillis) {
    }

    private static final class Figures {
        final LongAdder calls = new LongAdder();
        final LongAdder totalNanos = new LongAdder();
        final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
    }

    private final Map<String, Figures> figures = new ConcurrentHashMap<>();

    void record(String operation, long nanos) {
        Figures f = figures.computeIfAbsent(operation, k -> new Figures());
        f.calls.increment();
        f.totalNanos.add(nanos);
        f.maxNanos.accumulate(nanos);
    }

    /** Every operation seen so far, slowest mean first. */
    public List<Timing> snapshot() {
        List<Timing> out = new ArrayList<>();
        figures.forEach((op, f) -> {
            long calls = f.calls.sum();
            if (calls > 0) {
                out.add(new Timing(op, calls, f.totalNanos.sum() / 1e6 / calls, f.maxNanos.get() / 1e6));
            }
        });
        out.sort(Comparator.comparingDouble(Timing::meanMillis).reversed());
        return out;
    }
}
