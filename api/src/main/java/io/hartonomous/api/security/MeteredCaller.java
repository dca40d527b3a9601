package io.hartonomous.api.security;

import io.hartonomous.api.billing.UsageMeter;
import io.hartonomous.api.storage.StorageMetrics;
import io.hartonomous.api.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import io.hartonomous.storage.contract.TenantStorage;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Who is calling (set by {@link AuthFilter}) and what the request is billed: every storage call of the request runs
 * as the key's tenant, and one usage row (operation, units) is recorded when the response leaves — or, for streamed
 * bodies, when the stream ends ({@link #deferUsage()}).
 */
@RequestScoped
public class Caller {
    @Inject
    StorageEngine readEngine;
    @Inject
    @Writes
    StorageEngine writeEngine;
    @Inject
    UsageMeter meter;
    @Inject
    StorageMetrics metrics;

    private TenantApiKey key;
    private String operation;
    private long units;
    private boolean deferred;
    private boolean recorded;
    private TenantStorage reads;
    private TenantStorage writes;

    void authenticate(TenantApiKey key, String operation) {
        this.key = key;
        this.operation = operation;
        metrics.begin();
    }

    public boolean isAuthenticated() {
        return key != null;
    }

    public TenantApiKey key() {
        if (key == null) {
            throw new IllegalStateException("no authenticated caller");
        }
        return key;
    }

    public String tenant() {
        return key().tenantId();
    }

    /** The caller's tenant on the read-intent pool. */
    public TenantStorage reads() {
        if (reads == null) {
            reads = readEngine.forTenant(tenant());
        }
        return reads;
    }

    /** The caller's tenant on the read-write pool. */
    public TenantStorage writes() {
        if (writes == null) {
            writes = writeEngine.forTenant(tenant());
        }
        return writes;
    }

    /** Units billed for this request (rows returned, or bytes streamed). */
    public void units(long units) {
        this.units = units;
    }

    /** For streamed bodies: the returned handle records usage once, when the body has been written. */
    public UsageHandle deferUsage() {
        deferred = true;
        return new UsageHandle(meter, metrics, writes(), operation);
    }

    /** Called when the response leaves (see {@link UsageFilter}). */
    void complete() {
        if (key != null && !deferred && !recorded) {
            recorded = true;
            metrics.end();
            meter.record(writes(), operation, units);
        }
    }

    /** Records a streamed request's usage exactly once. */
    public static final class UsageHandle {
        private final UsageMeter meter;
        private final StorageMetrics metrics;
        private final TenantStorage writes;
        private final String operation;
        private final AtomicBoolean done = new AtomicBoolean();

        UsageHandle(UsageMeter meter, StorageMetrics metrics, TenantStorage writes, String operation) {
            this.meter = meter;
            this.metrics = metrics;
            this.writes = writes;
            this.operation = operation;
        }

        public void record(long units) {
            if (done.compareAndSet(false, true)) {
                metrics.end();
                meter.record(writes, operation, units);
            }
        }
    }
}
