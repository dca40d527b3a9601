package io.hartonomous.api.billing;

import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.billing.UsageEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records one priced usage row per request through the contract (tenant, operation, units, cost) and the units as the
 * {@code hart.api.units} metric. A failed usage write is logged and counted, never turned into a failed response
 * (the answer was already computed).
 */
@ApplicationScoped
public class UsageMeter {
    private static final Logger LOG = Logger.getLogger(UsageMeter.class);

    private final MeterRegistry registry;
    private final Counter failures;

    UsageMeter(MeterRegistry registry) {
        this.registry = registry;
        this.failures = Counter.builder("hart.api.usage.failures")
                .description("usage rows that could not be written").register(registry);
    }

    /** Records the use, priced by the tenant's rate plan (see the contract's RatePlan.price). */
    public void record(TenantStorage writes, UsageEntry use) {
        DistributionSummary.builder("hart.api.units")
                .description("rows returned (or bytes streamed) per request").tag("operation", use.operation())
                .register(registry).record(use.units());
        try {
            writes.usage().record(use);
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf(e, "could not record usage %s (%d units) for tenant %s", use.operation(), use.units(),
                    writes.tenantId());
        }
    }
}
