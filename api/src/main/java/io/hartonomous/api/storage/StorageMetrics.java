package io.hartonomous.api.storage;

import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.PoolStats;
import io.hartonomous.storage.contract.StorageEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Storage gauges: each pool's live connections (in use, idle, open, maximum, callers waiting) as the engine reports
 * them, and how many requests are using storage right now (streamed responses count until their body ends).
 */
@ApplicationScoped
public class StorageMetrics {
    private final AtomicInteger inUse = new AtomicInteger();

    StorageMetrics(MeterRegistry registry, StorageEngine reads, @Writes StorageEngine writes) {
        pool(registry, "read", reads);
        pool(registry, "write", writes);
        Gauge.builder("hart.storage.requests.active", inUse, AtomicInteger::get)
                .description("requests using the storage tier right now").register(registry);
    }

    private static void pool(MeterRegistry registry, String name, StorageEngine engine) {
        gauge(registry, "hart.storage.pool.active", name, engine, PoolStats::active, "connections in use");
        gauge(registry, "hart.storage.pool.idle", name, engine, PoolStats::idle, "idle connections");
        gauge(registry, "hart.storage.pool.total", name, engine, PoolStats::total, "open connections");
        gauge(registry, "hart.storage.pool.max", name, engine, PoolStats::max, "configured maximum");
        gauge(registry, "hart.storage.pool.waiting", name, engine, PoolStats::waiting,
                "callers waiting for a connection");
    }

    private static void gauge(MeterRegistry registry, String metric, String pool, StorageEngine engine,
                              ToIntFunction<PoolStats> figure, String description) {
        Gauge.builder(metric, engine, e -> figure.applyAsInt(e.poolStats())).tag("pool", pool)
                .description(description + " of the " + pool + " pool").register(registry);
    }

    public void begin() {
        inUse.incrementAndGet();
    }

    public void end() {
        inUse.decrementAndGet();
    }
}
