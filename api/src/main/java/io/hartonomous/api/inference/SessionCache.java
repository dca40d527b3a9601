package io.hartonomous.api.inference;

import io.hartonomous.api.config.ApiConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Reassembled models by (model, weight version), bounded in bytes: least recently used first out, its session closed
 * once no run holds it. A version's weights never change, so a hit needs no storage read; a weight update or rollback
 * is a new version and so a miss. Misses load one at a time, which bounds the heap a burst of misses can take; a
 * request that waited for another's load of the same version finds it loaded. Hits and misses are counted
 * ({@code hart.inference.sessions}, tag {@code cache}).
 */
@ApplicationScoped
class SessionCache {
    record Key(long modelId, Instant weightVersion) {
    }

    /** A model held for one run; close it when the run is over. {@code hit}: no storage read was needed. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private final boolean hit;
        private boolean closed;

        private Lease(Entry entry, boolean hit) {
            this.entry = entry;
            this.hit = hit;
        }

        LoadedModel model() {
            return entry.model;
        }

        boolean hit() {
            return hit;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(entry);
            }
        }
    }

    private static final class Entry {
        final LoadedModel model;
        int holders;
        boolean evicted;

        Entry(LoadedModel model) {
            this.model = model;
        }
    }

    private final long capacity;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final ReentrantLock loading = new ReentrantLock();
    private final Counter hits;
    private final Counter misses;
    private long bytes;

    SessionCache(ApiConfig config, MeterRegistry registry) {
        this.capacity = config.inference().cacheBytes();
        this.hits = Counter.builder("hart.inference.sessions").tag("cache", "hit")
                .description("runs that found their model's session cached").register(registry);
        this.misses = Counter.builder("hart.inference.sessions").tag("cache", "miss")
                .description("runs that reassembled their model from the storage tier").register(registry);
        Gauge.builder("hart.inference.cache.bytes", this, SessionCache::cachedBytes)
                .description("model bytes the session cache holds").register(registry);
    }

    /** The model cached under {@code key}, or {@code load}'s, cached (its exceptions propagate, nothing is kept). */
    Lease acquire(Key key, Supplier<LoadedModel> load) {
        Lease cached = cached(key);
        if (cached != null) {
            return cached;
        }
        loading.lock();
        try {
            cached = cached(key);
            if (cached != null) {
                return cached;
            }
            LoadedModel model = load.get();
            misses.increment();
            Entry entry = new Entry(model);
            List<Entry> closing = new ArrayList<>();
            synchronized (this) {
                entry.holders = 1;
                if (model.bytes() > capacity) {
                    entry.evicted = true; // larger than the whole cache: serves this run only
                } else {
                    entries.put(key, entry);
                    bytes += model.bytes();
                    evict(closing);
                }
            }
            closing.forEach(e -> e.model.close());
            return new Lease(entry, false);
        } finally {
            loading.unlock();
        }
    }

    private synchronized Lease cached(Key key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        entry.holders++;
        hits.increment();
        return new Lease(entry, true);
    }

    /** Drops least recently used entries until the total fits; those no run holds are closed by the caller. */
    private void evict(List<Entry> closing) {
        Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
        while (bytes > capacity && eldest.hasNext()) {
            Entry e = eldest.next().getValue();
            eldest.remove();
            bytes -= e.model.bytes();
            e.evicted = true;
            if (e.holders == 0) {
                closing.add(e);
            }
        }
    }

    private void release(Entry entry) {
        boolean close;
        synchronized (this) {
            entry.holders--;
            close = entry.evicted && entry.holders == 0;
        }
        if (close) {
            entry.model.close();
        }
    }

    synchronized long cachedBytes() {
        return bytes;
    }

    @PreDestroy
    void closeAll() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
            entries.clear();
            bytes = 0;
        }
        all.forEach(e -> e.model.close());
    }
}
