package io.hartonomous.storage.local;

import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The storage process's OODA timer on a real embedded engine: it runs cycles, halts while stopped, resumes. */
class OodaScheduleTest {
    @TempDir
    Path dir;

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void runsCyclesOnItsIntervalAndHaltsWhileStopped() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir));
             OodaSchedule schedule = OodaSchedule.start(engine.ooda(), Duration.ofMillis(50), log::add)) {
            await(() -> engine.ooda().cycles(100).size() >= 2);
            assertThat(log).anyMatch(l -> l.startsWith("ooda cycle ") && l.contains("(dry run)"));

            engine.ooda().stop();
            Thread.sleep(200); // a tick that had already begun finishes
            int stoppedAt = engine.ooda().cycles(1000).size();
            Thread.sleep(300);
            assertThat(engine.ooda().cycles(1000)).as("no cycle while stopped").hasSize(stoppedAt);

            engine.ooda().start();
            await(() -> engine.ooda().cycles(1000).size() > stoppedAt);
        }
    }

    @Test
    void refusesAnIntervalThatIsNotPositive() {
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir))) {
            assertThatThrownBy(() -> OodaSchedule.start(engine.ooda(), Duration.ZERO, s -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
