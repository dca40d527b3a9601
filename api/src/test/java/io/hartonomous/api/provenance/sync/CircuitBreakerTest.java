package io.hartonomous.api.provenance.sync;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The breaker's transitions, on a clock the test moves. */
class CircuitBreakerTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void opensAfterTheThresholdProbesOnceAfterTheCoolDownAndClosesOnSuccess() {
        CircuitBreaker b = new CircuitBreaker(3, Duration.ofSeconds(10), clock);
        for (int i = 0; i < 2; i++) {
            assertThat(b.tryAcquire()).isTrue();
            b.onFailure("down");
        }
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        b.onSuccess();
        assertThat(b.consecutiveFailures()).as("a success resets the count").isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(b.tryAcquire()).isTrue();
            b.onFailure("down " + i);
        }
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.timesOpened()).isEqualTo(1);
        assertThat(b.lastError()).isEqualTo("down 2");
        assertThat(b.tryAcquire()).as("open: refused").isFalse();

        now = now.plusSeconds(10);
        assertThat(b.tryAcquire()).as("the probe").isTrue();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.tryAcquire()).as("only one probe at a time").isFalse();
        b.onFailure("still down");
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.timesOpened()).isEqualTo(2);
        assertThat(b.tryAcquire()).as("a new cool-down").isFalse();

        now = now.plusSeconds(11);
        assertThat(b.tryAcquire()).isTrue();
        b.onSuccess();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(b.openedAt()).isNull();
        assertThat(b.tryAcquire()).isTrue();
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new CircuitBreaker(0, Duration.ofSeconds(1), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CircuitBreaker(1, Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
