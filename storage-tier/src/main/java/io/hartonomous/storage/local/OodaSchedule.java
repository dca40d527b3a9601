package io.hartonomous.storage.local;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.ooda.OodaCycle;
import io.hartonomous.storage.contract.ooda.OodaLoop;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded engine's OODA loop on a timer, in the storage process ({@code hart-storage serve}): one thread, one
 * cycle per interval, never two at once. The emergency stop lives in the database (OodaLoop.stop), so each tick asks
 * it first: a stopped loop stays stopped across restarts, and a start resumes the schedule without restarting the
 * process. A cycle that fails is reported and the next tick tries again.
 */
public final class OodaSchedule implements AutoCloseable {
    private final OodaLoop loop;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ooda-loop");
        t.setDaemon(true);
        return t;
    });

    private OodaSchedule(OodaLoop loop, Consumer<String> log) {
        this.loop = loop;
        this.log = log;
    }

    /** Runs a cycle every {@code interval}, the first one after one interval. */
    public static OodaSchedule start(OodaLoop loop, Duration interval, Consumer<String> log) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the OODA interval must be positive, got " + interval);
        }
        OodaSchedule schedule = new OodaSchedule(loop, log);
        schedule.timer.scheduleWithFixedDelay(schedule::tick, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return schedule;
    }

    private void tick() {
        try {
            if (!loop.status().running()) {
                return;
            }
            OodaCycle c = loop.runCycle();
            log.accept("ooda cycle " + c.cycleId() + (c.dryRun() ? " (dry run)" : "") + ": "
                    + c.observations().size() + " observations, " + c.proposals().size() + " new proposals");
        } catch (ConflictException stoppedMeanwhile) {
            log.accept("ooda: " + stoppedMeanwhile.getMessage());
        } catch (RuntimeException e) {
            log.accept("ooda cycle failed: " + e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
