package io.hartonomous.api.security;

import io.hartonomous.api.billing.UsageMeter;
import io.hartonomous.api.storage.StorageMetrics;
import io.hartonomous.edge.keys.Caller;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.billing.UsageEntry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The authenticated {@link Caller} as the API serves it, and what the request is billed: every storage call of the
 * request runs as the key's tenant, and one usage row (operation, units) is recorded when the response leaves — or,
 * for streamed bodies, when the stream ends ({@link #deferUsage()}). The operation is bound by {@link UsageFilter}.
 */
@RequestScoped
public class MeteredCaller {
    @Inject
    Caller caller;
    @Inject
    StorageEngine readEngine;
    @Inject
    @Writes
    StorageEngine writeEngine;
    @Inject
    UsageMeter meter;
    @Inject
    StorageMetrics metrics;

    private String operation;
    private long units;
    private String grounding;
    private UsageHandle handle;
    private boolean deferred;
    private boolean recorded;
    private TenantStorage reads;
    private TenantStorage writes;

    void begin(String operation) {
        this.operation = operation;
        metrics.begin();
    }

    public boolean isAuthenticated() {
        return caller.isAuthenticated();
    }

    public TenantApiKey key() {
        return caller.key();
    }

    public String tenant() {
        return caller.tenant();
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

    /** How the answer is grounded (e.g. search: exact or approximate), for the rate plan's grounding multipliers. */
    public void grounding(String grounding) {
        this.grounding = grounding;
    }

    /** For streamed bodies: the returned handle records usage once, when the body has been written. */
    public UsageHandle deferUsage() {
        deferred = true;
        handle = new UsageHandle(meter, metrics, writes(), operation, grounding);
        return handle;
    }

    /**
     * Called when the response leaves (see {@link UsageFilter}) with its media type (null: no body), which the rate
     * plan's content-type multipliers look at; a streamed body's handle learns it here, before the body is written.
     */
    void complete(String contentType) {
        if (handle != null) {
            handle.contentType = contentType;
        }
        if (operation != null && !deferred && !recorded) {
            recorded = true;
            metrics.end();
            meter.record(writes(), new UsageEntry(operation, units, contentType, null, grounding));
        }
    }

    /** Records a streamed request's usage exactly once. */
    public static final class UsageHandle {
        private final UsageMeter meter;
        private final StorageMetrics metrics;
        private final TenantStorage writes;
        private final String operation;
        private final String grounding;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile String contentType;

        UsageHandle(UsageMeter meter, StorageMetrics metrics, TenantStorage writes, String operation,
                    String grounding) {
            this.meter = meter;
            this.metrics = metrics;
            this.writes = writes;
            this.operation = operation;
            this.grounding = grounding;
        }

        public void record(long units) {
            if (done.compareAndSet(false, true)) {
                metrics.end();
                meter.record(writes, new UsageEntry(operation, units, contentType, null, grounding));
            }
        }
    }
}
