package io.hartonomous.api.provenance.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker for a dependency that may go away (Neo4j). CLOSED: calls go through, and
 * {@code failureThreshold} failures in a row open it. OPEN: calls are refused without touching the dependency
 * until {@code coolDown} has passed since it opened; then the next caller is let through as the one HALF_OPEN probe
 * (others are still refused). The probe's success closes the breaker, its failure opens it for another cool-down.
 * Thread-safe; the clock is injectable so the transitions can be tested without sleeping.
 */
public final class CircuitBreaker {
    /** The state as operators see it (metrics: its ordinal). */
    public enum State { CLOSED, HALF_OPEN, OPEN }

    private final int failureThreshold;
    private final Duration coolDown;
    private final Clock clock;
    private State state = State.CLOSED;
    private int failures;
    private Instant openedAt;
    private long opened;
    private String lastError;

    public CircuitBreaker(int failureThreshold, Duration coolDown, Clock clock) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("the failure threshold must be at least 1");
        }
        if (coolDown == null || coolDown.isNegative() || coolDown.isZero()) {
            throw new IllegalArgumentException("the cool-down must be positive");
        }
        this.failureThreshold = failureThreshold;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    /** True when the caller may call the dependency now (in HALF_OPEN: this caller is the probe). */
    public synchronized boolean tryAcquire() {
        return switch (state) {
            case CLOSED -> true;
            case HALF_OPEN -> false;
            case OPEN -> {
                if (clock.instant().isBefore(openedAt.plus(coolDown))) {
                    yield false;
                }
                state = State.HALF_OPEN;
                yield true;
            }
        };
    }

    public synchronized void onSuccess() {
        state = State.CLOSED;
        failures = 0;
        openedAt = null;
    }

    public synchronized void onFailure(String error) {
        lastError = error;
        failures++;
        if (state == State.HALF_OPEN || (state == State.CLOSED && failures >= failureThreshold)) {
            state = State.OPEN;
            openedAt = clock.instant();
            opened++;
        }
    }

    /** The state now; an OPEN breaker whose cool-down passed still reads OPEN until a caller probes. */
    public synchronized State state() {
        return state;
    }

    /** How often it opened since start. */
    public synchronized long timesOpened() {
        return opened;
    }

    public synchronized int consecutiveFailures() {
        return failures;
    }

    /** When it last opened (null while closed). */
    public synchronized Instant openedAt() {
        return openedAt;
    }

    public synchronized String lastError() {
        return lastError;
    }
}
