package io.hartonomous.storage.engine.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How long an engine's units of work take, per operation name: the embedded engine's stand-in for SQL Server's Query
 * Store (the OODA loop's slow-query observation). Every process that opens an engine times its own calls, so the
 * figures only mean something once they are written where the loop reads them: at most every {@code flushEvery}
 * (on a virtual thread, started by the call that finds a write due) and whenever {@link #flush()} is called, the
 * figures gathered since the last write go to the {@link Sink}. A write that fails is tried again with the next one.
 */
public final class OperationTimings {
    /** One operation's calls since the last write: their number, total and longest duration in microseconds. */
    public record Timing(String operation, long calls, long totalMicros, long maxMicros) {
    }

    /** Where the figures are written (the engine's own table). */
    @FunctionalInterface
    public interface Sink {
        void write(List<Timing> sinceLastWrite);
    }

    private static final class Figures {
        final LongAdder calls = new LongAdder();
        final LongAdder totalNanos = new LongAdder();
        final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
        // What the sink already has of calls and totalNanos (guarded by the flush lock).
        long writtenCalls;
        long writtenNanos;
    }

    private final Map<String, Figures> figures = new ConcurrentHashMap<>();
    private final long flushEveryNanos;
    private final AtomicLong lastFlush = new AtomicLong(System.nanoTime());
    private final ReentrantLock flushing = new ReentrantLock();
    private volatile Sink sink;

    public OperationTimings(Duration flushEvery) {
        if (flushEvery == null || flushEvery.isNegative() || flushEvery.isZero()) {
            throw new IllegalArgumentException("flushEvery must be positive, got " + flushEvery);
        }
        this.flushEveryNanos = flushEvery.toNanos();
    }

    /** Sets where the figures go; the engine calls it once it can write (its units need the timings first). */
    public void flushTo(Sink target) {
        this.sink = target;
    }

    void record(String operation, long nanos) {
        Figures f = figures.computeIfAbsent(operation, k -> new Figures());
        f.calls.increment();
        f.totalNanos.add(nanos);
        f.maxNanos.accumulate(nanos);
        long last = lastFlush.get();
        long now = System.nanoTime();
        if (sink != null && now - last >= flushEveryNanos && lastFlush.compareAndSet(last, now)) {
            Thread.ofVirtual().name("operation-timings").start(this::flushQuietly);
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // The engine may be closed meanwhile; the figures stay for the next write.
        }
    }

    /** Writes what was gathered since the last write; on failure nothing counts as written. */
    public void flush() {
        Sink target = sink;
        if (target == null) {
            return;
        }
        flushing.lock();
        try {
            List<Timing> out = new ArrayList<>();
            List<Figures> touched = new ArrayList<>();
            List<long[]> marks = new ArrayList<>();
            figures.forEach((op, f) -> {
                long calls = f.calls.sum();
                long nanos = f.totalNanos.sum();
                if (calls > f.writtenCalls) {
                    long max = f.maxNanos.getThenReset();
                    out.add(new Timing(op, calls - f.writtenCalls, (nanos - f.writtenNanos) / 1000, max / 1000));
                    touched.add(f);
                    marks.add(new long[] {calls, nanos, max});
                }
            });
            if (out.isEmpty()) {
                return;
            }
            try {
                target.write(out);
            } catch (RuntimeException e) {
                for (int i = 0; i < touched.size(); i++) {
                    touched.get(i).maxNanos.accumulate(marks.get(i)[2]);
                }
                throw e;
            }
            for (int i = 0; i < touched.size(); i++) {
                touched.get(i).writtenCalls = marks.get(i)[0];
                touched.get(i).writtenNanos = marks.get(i)[1];
            }
        } finally {
            flushing.unlock();
        }
    }
}
