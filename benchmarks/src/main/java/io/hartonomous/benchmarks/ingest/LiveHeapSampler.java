package io.hartonomous.benchmarks.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the live heap of a run: every few seconds a full collection, then the heap still in use. The maximum of
 * those samples is the working set the run needed. (The heap before a collection, or after a young one, mostly holds
 * garbage the collector lets accumulate, so it grows with -Xmx and says little.) One full GC of a heap this size
 * takes tens of milliseconds, under 1% of the run at this interval.
 */
final class LiveHeapSampler implements AutoCloseable {
    private static final long INTERVAL_SECONDS = 5;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong maxLive = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-heap-sampler");
        t.setDaemon(true);
        return t;
    });

    LiveHeapSampler() {
        timer.scheduleAtFixedRate(this::sample, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    private void sample() {
        memory.gc();
        maxLive.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }

    /** The largest live heap seen (one last sample included), in bytes. */
    long maxLiveBytes() {
        return maxLive.get();
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(1, TimeUnit.MINUTES);
        sample();
    }
}
