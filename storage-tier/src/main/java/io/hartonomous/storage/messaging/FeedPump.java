package io.hartonomous.storage.messaging;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Drives a {@link ProvenanceFeed} on one thread of its own: receives up to {@code batchSize} changes (the feed waits
 * up to {@code receiveWait} for them, so an empty feed is polled at that pace and no faster), hands each batch downstream
 * as a {@link FeedBatch} and keeps the receiving transaction open until the batch is acknowledged (commit) or
 * negatively acknowledged, or {@code ackTimeout} passes (both roll back: the changes come again; a nack whose reason
 * is a {@link ProvenanceFeed.Unavailable}, or one while stopping, is passed on as such, so the feed charges the
 * changes nothing). After a failure
 * (a nack, a time-out, storage unreachable) it backs off, doubling from {@code initialBackoff} up to
 * {@code maxBackoff}, and starts again; a success resets the back-off. At most one batch is in flight, so the
 * downstream never holds more than {@code batchSize} changes. The thread is never interrupted (an interrupt can
 * close H2's file channel): {@link #close()} rolls back the batch in flight and lets a feed wait run out.
 */
public final class FeedPump implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeedPump.class);

    /** How the pump receives and how patient it is. */
    public record Settings(int batchSize, Duration receiveWait, Duration ackTimeout, Duration initialBackoff,
                           Duration maxBackoff) {
        public static final Settings DEFAULTS = new Settings(100, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofMinutes(1));

        public Settings {
            if (batchSize < 1 || batchSize > ProvenanceFeed.MAX_BATCH) {
                throw new IllegalArgumentException("batch size must be between 1 and " + ProvenanceFeed.MAX_BATCH);
            }
            if (receiveWait == null || receiveWait.isNegative() || receiveWait.compareTo(ProvenanceFeed.MAX_WAIT) > 0) {
                throw new IllegalArgumentException("wait must be between zero and " + ProvenanceFeed.MAX_WAIT);
            }
            for (Duration d : new Duration[] {ackTimeout, initialBackoff, maxBackoff}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("time-outs and back-offs must be positive");
                }
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("the longest back-off is shorter than the first");
            }
        }
    }

    /** Thrown inside the feed's handler to roll a batch back; carries why. */
    static final class NotApplied extends RuntimeException {
        NotApplied(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final ProvenanceFeed feed;
    private final Settings settings;
    private final Consumer<FeedBatch> downstream;
    private final String name;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicReference<FeedBatch> inFlight = new AtomicReference<>();
    private volatile Thread thread;

    public FeedPump(ProvenanceFeed feed, Settings settings, Consumer<FeedBatch> downstream, String name) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Starts the pump thread (once). */
    public synchronized FeedPump start() {
        if (thread != null) {
            throw new IllegalStateException(name + " is already started");
        }
        thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
        return this;
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && stopping.getCount() > 0;
    }

    private boolean stopped() {
        return stopping.getCount() == 0;
    }

    private void run() {
        Duration backoff = settings.initialBackoff();
        int failures = 0;
        while (!stopped()) {
            AtomicReference<FeedBatch> batch = new AtomicReference<>();
            try {
                feed.receive(settings.batchSize(), settings.receiveWait(), changes -> deliver(changes, batch));
                settle(batch.get(), null);
                if (failures > 0) {
                    LOG.info("{}: receiving again after {} failed attempt(s)", name, failures);
                }
                failures = 0;
                backoff = settings.initialBackoff();
            } catch (RuntimeException | Error e) {
                settle(batch.get(), e);
                if (stopped()) {
                    break;
                }
                failures++;
                if (failures == 1) {
                    LOG.warn("{}: a batch was not applied, it will come again (retrying in {}): {}", name, backoff,
                            describe(e), e);
                } else {
                    LOG.warn("{}: attempt {} failed, retrying in {}: {}", name, failures, backoff, describe(e));
                }
                if (pause(backoff)) {
                    break;
                }
                backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
        LOG.debug("{}: stopped", name);
    }

    private void deliver(List<GraphChange> changes, AtomicReference<FeedBatch> current) {
        FeedBatch batch = new FeedBatch(changes);
        current.set(batch);
        inFlight.set(batch);
        if (stopped()) {
            throw new ProvenanceFeed.Unavailable("the pump is stopping", null);
        }
        try {
            downstream.accept(batch);
            batch.outcome().get(settings.ackTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            ProvenanceFeed.Unavailable unavailable = unavailable(e.getCause());
            if (unavailable != null) {
                // Not the changes' fault (the consumer said so): the feed must not charge them.
                throw unavailable;
            }
            if (stopped()) {
                throw new ProvenanceFeed.Unavailable("the pump is stopping", e.getCause());
            }
            throw new NotApplied("not applied: " + describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            TimeoutException late = new TimeoutException("not acknowledged within " + settings.ackTimeout());
            batch.nack(late);
            throw new NotApplied(late.getMessage(), late);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotApplied("interrupted while waiting for the acknowledgement", e);
        } finally {
            inFlight.compareAndSet(batch, null);
        }
    }

    /** The Unavailable a nack reason is or wraps (a messaging framework may wrap what the consumer threw). */
    private static ProvenanceFeed.Unavailable unavailable(Throwable reason) {
        for (Throwable t = reason; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProvenanceFeed.Unavailable u) {
                return u;
            }
        }
        return null;
    }

    private static void settle(FeedBatch batch, Throwable failure) {
        if (batch != null) {
            batch.settle(failure);
        }
    }

    /** Sleeps unless stopping; true when stopping. */
    private boolean pause(Duration d) {
        try {
            return stopping.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof NotApplied || t instanceof ProvenanceFeed.Unavailable) && t.getCause() != null) {
            t = t.getCause();
        }
        return t == null ? "unknown" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * Stops: the batch in flight is rolled back (its changes come again to whoever receives next), a wait of the
     * feed runs out, and this returns once the thread ended or {@code receiveWait} plus a few seconds passed.
     */
    @Override
    public void close() {
        stopping.countDown();
        FeedBatch batch = inFlight.get();
        if (batch != null) {
            batch.nack(new IllegalStateException(name + " is stopping"));
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(settings.receiveWait().plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
