package io.hartonomous.api.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storage pool gauges. The contract exposes no pool statistics, so the API reports what it knows: each pool's
 * configured size and how many requests are using storage right now (streamed responses count until their body
 * ends) — each such request holds at most one connection at a time.
 */
@ApplicationScoped
public class StorageMetrics {
    private final AtomicInteger inUse = new AtomicInteger();

    StorageMetrics(MeterRegistry registry,
                   @ConfigProperty(name = "hart.storage.pool-size", defaultValue = "8") int readPool,
                   @ConfigProperty(name = "hart.storage.write-pool-size", defaultValue = "4") int writePool) {
        Gauge.builder("hart.storage.pool.max", () -> readPool).tag("pool", "read")
                .description("configured connections of the read-intent pool").register(registry);
        Gauge.builder("hart.storage.pool.max", () -> writePool).tag("pool", "write")
                .description("configured connections of the read-write pool").register(registry);
        Gauge.builder("hart.storage.requests.active", inUse, AtomicInteger::get)
                .description("requests using the storage tier right now").register(registry);
    }

    public void begin() {
        inUse.incrementAndGet();
    }

    public void end() {
        inUse.decrementAndGet();
    }
}
