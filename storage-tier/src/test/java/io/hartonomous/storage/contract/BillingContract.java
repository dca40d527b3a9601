package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.billing.AppliedMultiplier;
import io.hartonomous.storage.contract.billing.Multiplier;
import io.hartonomous.storage.contract.billing.MultiplierKind;
import io.hartonomous.storage.contract.billing.OperationRate;
import io.hartonomous.storage.contract.billing.PricedUse;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.billing.StatementLine;
import io.hartonomous.storage.contract.billing.UsageEntry;
import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rate plans and priced usage: a fixture plan whose costs are worked out by hand below, recorded on the engine, and
 * the statement and usage sums compared with those literal figures.
 */
public abstract class BillingContract extends StorageContractSuite {
    private static BigDecimal d(String text) {
        return new BigDecimal(text);
    }

    /** A plan of its own per test (engines may share one database), never the default plan. */
    private static String newPlan() {
        return "fixture-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private RatePlan fixturePlan(String plan) {
        engine.billing().putPlan(plan, "eur");
        engine.billing().putRate(plan, new OperationRate("ingest.image", d("0.000002"), "pixel"));
        engine.billing().putRate(plan, new OperationRate("search.hybrid", d("0.0125"), "query"));
        engine.billing().putRate(plan, new OperationRate("ingest.model", d("0.0000005"), "weight"));
        engine.billing().putMultiplier(plan, new Multiplier("png", MultiplierKind.CONTENT_TYPE, "image/png", d("1.5")));
        engine.billing().putMultiplier(plan, new Multiplier("big", MultiplierKind.COMPLEXITY, "1000..", d("1.2")));
        engine.billing().putMultiplier(plan, new Multiplier("exact", MultiplierKind.GROUNDING, "exact", d("2")));
        return engine.billing().putMultiplier(plan, new Multiplier("audio", MultiplierKind.CONTENT_TYPE, "audio",
                d("3")));
    }

    @Test
    void usesArePricedByTheTenantsPlanAndTheStatementSumsThem() {
        String plan = newPlan();
        RatePlan fixture = fixturePlan(plan);
        assertThat(fixture.currency()).isEqualTo("EUR");
        assertThat(fixture.rates()).extracting(OperationRate::operation)
                .containsExactly("ingest.image", "ingest.model", "search.hybrid");
        assertThat(fixture.multipliers()).extracting(Multiplier::id).containsExactly("audio", "big", "exact", "png");
        String tenant = newTenant();
        engine.billing().assign(tenant, plan);
        assertThat(engine.billing().planOf(tenant)).isEqualTo(plan);
        TenantStorage t = engine.forTenant(tenant);
        Instant start = Instant.now().minusSeconds(1);

        // 0.000002 × 1.5 (png) × 1.2 (complexity 5000 in 1000..) × 1 000 000 = 3.6
        PricedUse big = t.usage().record(new UsageEntry("ingest.image", 1_000_000, "image/png", 5000L, null));
        assertThat(big.cost()).isEqualTo(d("3.600000"));
        assertThat(big.plan()).isEqualTo(plan);
        assertThat(big.unit()).isEqualTo("pixel");
        assertThat(big.multipliers()).extracting(AppliedMultiplier::id).containsExactly("big", "png");
        // 0.000002 × 250 000 = 0.5 (a JPEG of low complexity: no multiplier applies)
        assertThat(t.usage().record(new UsageEntry("ingest.image", 250_000, "image/jpeg", 10L, null)).cost())
                .isEqualTo(d("0.500000"));
        // 0.000002 × 1.5 × 333 333 = 0.999999
        assertThat(t.usage().record(new UsageEntry("ingest.image", 333_333, "image/png", 10L, null)).cost())
                .isEqualTo(d("0.999999"));
        // 0.0000005 × 1 = 0.0000005, rounded half-up to 0.000001 (half-even would give 0)
        assertThat(t.usage().record(new UsageEntry("ingest.model", 1, "application/gguf", null, null)).cost())
                .isEqualTo(d("0.000001"));
        // 0.0125 × 2 (exact) × 3 = 0.075; 0.0125 × 7 = 0.0875
        assertThat(t.usage().record(new UsageEntry("search.hybrid", 3, null, null, "exact")).cost())
                .isEqualTo(d("0.075000"));
        assertThat(t.usage().record(new UsageEntry("search.hybrid", 7, null, null, "approximate")).cost())
                .isEqualTo(d("0.087500"));
        // No rate: costs 0, still recorded.
        PricedUse free = t.usage().record(UsageEntry.of("atoms.get", 5));
        assertThat(free.cost()).isEqualTo(d("0.000000"));
        assertThat(free.unit()).isNull();

        // The plan changes afterwards: what was recorded keeps its price.
        engine.billing().putRate(plan, new OperationRate("ingest.image", d("1"), "pixel"));

        List<StatementLine> lines = t.usage().statement(start, null);
        assertThat(lines).extracting(StatementLine::operation).containsExactly("atoms.get", "ingest.image",
                "ingest.image", "ingest.image", "ingest.model", "search.hybrid", "search.hybrid");
        assertThat(lines).extracting(StatementLine::units).containsExactly(5L, 250_000L, 1_000_000L, 333_333L, 1L,
                7L, 3L);
        assertThat(lines).extracting(StatementLine::cost).containsExactly(d("0.000000"), d("0.500000"),
                d("3.600000"), d("0.999999"), d("0.000001"), d("0.087500"), d("0.075000"));
        assertThat(lines).extracting(l -> l.multipliers().stream().map(AppliedMultiplier::id).toList())
                .containsExactly(List.of(), List.of(), List.of("big", "png"), List.of("png"), List.of(), List.of(),
                        List.of("exact"));
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.plan()).isEqualTo(plan);
            assertThat(l.currency()).isEqualTo("EUR");
            assertThat(l.requests()).isEqualTo(1);
        });
        StatementLine png = lines.get(3);
        assertThat(png.baseRate()).isEqualByComparingTo(d("0.000002"));
        assertThat(png.unit()).isEqualTo("pixel");
        assertThat(png.multipliers().getFirst().kind()).isEqualTo(MultiplierKind.CONTENT_TYPE);
        assertThat(png.multipliers().getFirst().criteria()).isEqualTo("image/png");
        assertThat(png.multipliers().getFirst().factor()).isEqualByComparingTo(d("1.5"));
        assertThat(lines.stream().map(StatementLine::cost).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualTo(d("5.262500"));

        assertThat(t.usage().usage(start, null, UsageGrouping.OPERATION)).containsExactly(
                new UsageGroup("atoms.get", 1, 5, d("0.000000")),
                new UsageGroup("ingest.image", 3, 1_583_333, d("5.099999")),
                new UsageGroup("ingest.model", 1, 1, d("0.000001")),
                new UsageGroup("search.hybrid", 2, 10, d("0.162500")));
        assertThat(t.usage().plan().name()).isEqualTo(plan);

        // After the change, a new use is priced at the new rate (0.000002 → 1; png 1.5): 1 × 1.5 × 2 = 3
        assertThat(t.usage().record(new UsageEntry("ingest.image", 2, "image/png", 1L, null)).cost())
                .isEqualTo(d("3.000000"));
        assertThat(engine.forTenant(newTenant()).usage().statement(start, null)).isEmpty();
    }

    @Test
    void aTenantWithoutAPlanIsOnTheDefaultPlan() {
        String tenant = newTenant();
        assertThat(engine.billing().planOf(tenant)).isEqualTo(RatePlan.DEFAULT);
        assertThat(engine.billing().plan(RatePlan.DEFAULT)).isPresent();
        PricedUse use = engine.forTenant(tenant).usage().record(UsageEntry.of("search.exact", 4));
        assertThat(use.plan()).isEqualTo(RatePlan.DEFAULT);
        assertThat(engine.forTenant(tenant).usage().plan().name()).isEqualTo(RatePlan.DEFAULT);
        assertThat(engine.forTenant(tenant).usage().statement(null, null)).singleElement().satisfies(l -> {
            assertThat(l.plan()).isEqualTo(RatePlan.DEFAULT);
            assertThat(l.units()).isEqualTo(4);
        });
    }

    @Test
    void plansAreListedAndBadInputIsRefused() {
        String plan = newPlan();
        fixturePlan(plan);
        assertThat(engine.billing().plans()).extracting(RatePlan::name).contains(plan, RatePlan.DEFAULT);
        assertThat(engine.billing().plan(plan).orElseThrow().rates()).hasSize(3);
        assertThat(engine.billing().plan("no-such-plan")).isEmpty();
        // Putting a plan again keeps it; its currency cannot change.
        assertThat(engine.billing().putPlan(plan, "EUR").multipliers()).hasSize(4);
        assertThatThrownBy(() -> engine.billing().putPlan(plan, "USD")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("currency");
        assertThatThrownBy(() -> engine.billing().putRate("no-such-plan", new OperationRate("x", d("1"), "u")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.billing().assign(newTenant(), "no-such-plan"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> new OperationRate("x", d("-0.1"), "u")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OperationRate("x", d("0.0000000000001"), "u"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12 decimals");
        assertThatThrownBy(() -> new Multiplier("m", MultiplierKind.COMPLEXITY, "10..5", d("1")))
                .isInstanceOf(IllegalArgumentException.class);
        for (int i = 0; i < RatePlan.MAX_MULTIPLIERS - 4; i++) {
            engine.billing().putMultiplier(plan, new Multiplier("m" + i, MultiplierKind.GROUNDING, "g" + i, d("1")));
        }
        assertThatThrownBy(() -> engine.billing().putMultiplier(plan, new Multiplier("one-too-many",
                MultiplierKind.GROUNDING, "g", d("1")))).isInstanceOf(IllegalArgumentException.class);
        assertThat(engine.billing().plan(plan).orElseThrow().multipliers()).hasSize(RatePlan.MAX_MULTIPLIERS);
        // Replacing an existing multiplier is not adding one.
        assertThat(engine.billing().putMultiplier(plan, new Multiplier("m0", MultiplierKind.GROUNDING, "g0",
                d("1.25"))).multipliers()).hasSize(RatePlan.MAX_MULTIPLIERS);
    }

    @Test
    void removedRatesAndMultipliersNoLongerPriceNewUses() {
        String plan = newPlan();
        fixturePlan(plan);
        String tenant = newTenant();
        engine.billing().assign(tenant, plan);
        TenantStorage t = engine.forTenant(tenant);
        // 0.000002 × 1.5 (png) × 1000 = 0.003
        assertThat(t.usage().record(new UsageEntry("ingest.image", 1000, "image/png", 1L, null)).cost())
                .isEqualTo(d("0.003000"));
        RatePlan after = engine.billing().removeMultiplier(plan, "png");
        assertThat(after.multipliers()).extracting(Multiplier::id).containsExactly("audio", "big", "exact");
        // 0.000002 × 1000 = 0.002
        assertThat(t.usage().record(new UsageEntry("ingest.image", 1000, "image/png", 1L, null)).cost())
                .isEqualTo(d("0.002000"));
        after = engine.billing().removeRate(plan, "ingest.image");
        assertThat(after.rates()).extracting(OperationRate::operation).containsExactly("ingest.model", "search.hybrid");
        PricedUse free = t.usage().record(new UsageEntry("ingest.image", 1000, "image/png", 1L, null));
        assertThat(free.cost()).isEqualTo(d("0.000000"));
        assertThat(free.unit()).isNull();
        // What was recorded keeps its price.
        assertThat(t.usage().usage(null, null, UsageGrouping.OPERATION)).singleElement()
                .isEqualTo(new UsageGroup("ingest.image", 3, 3000, d("0.005000")));

        assertThatThrownBy(() -> engine.billing().removeRate(plan, "ingest.image"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.billing().removeMultiplier(plan, "png"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.billing().removeRate("no-such-plan", "search.hybrid"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.billing().removeMultiplier("no-such-plan", "big"))
                .isInstanceOf(NotFoundException.class);
        assertThat(engine.billing().plan(plan).orElseThrow().multipliers()).hasSize(3);
    }

    @Test
    void theRowCountsIncludeThePlanTables() {
        Map<String, Long> before = engine.rowCounts();
        assertThat(before).containsKeys("RatePlans", "OperationRates", "BillingMultipliers", "TenantRatePlans",
                "UsageLedger");
        assertThat(before.get("RatePlans")).as("the default plan").isGreaterThanOrEqualTo(1);
        String plan = newPlan();
        fixturePlan(plan);
        String tenant = newTenant();
        engine.billing().assign(tenant, plan);
        engine.billing().assign(tenant, plan);
        engine.forTenant(tenant).usage().record(UsageEntry.of("search.hybrid", 1));
        Map<String, Long> after = engine.rowCounts();
        assertThat(after.get("RatePlans") - before.get("RatePlans")).isEqualTo(1);
        assertThat(after.get("OperationRates") - before.get("OperationRates")).isEqualTo(3);
        assertThat(after.get("BillingMultipliers") - before.get("BillingMultipliers")).isEqualTo(4);
        assertThat(after.get("TenantRatePlans") - before.get("TenantRatePlans")).as("assigning again replaces")
                .isEqualTo(1);
        assertThat(after.get("UsageLedger") - before.get("UsageLedger")).isEqualTo(1);
    }

    /** Writers of one plan queue on it: concurrent new multipliers never take a plan past its limit. */
    @Test
    void concurrentMultipliersNeverExceedThePlansLimit() throws Exception {
        String plan = newPlan();
        fixturePlan(plan); // 4 multipliers: room for 4 more
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                Multiplier m = new Multiplier("w" + w, MultiplierKind.GROUNDING, "g" + w, d("1.1"));
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        engine.billing().putMultiplier(plan, m);
                        return true;
                    } catch (IllegalArgumentException full) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int added = 0;
            for (Future<Boolean> r : results) {
                added += r.get() ? 1 : 0;
            }
            assertThat(added).isEqualTo(RatePlan.MAX_MULTIPLIERS - 4);
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.billing().plan(plan).orElseThrow().multipliers()).hasSize(RatePlan.MAX_MULTIPLIERS);
    }
}
