package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.billing.OperationRate;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.billing.StatementLine;
import io.hartonomous.storage.contract.billing.UsageEntry;
import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * embedded/120 on a database whose usage ledger predates rate plans: the rows already recorded stay, at cost 0 under
 * the default plan (they were never priced), and uses recorded after the upgrade are priced.
 */
class EmbeddedBillingPlansMigrationTest {
    @TempDir
    Path dir;

    @Test
    void anExistingLedgerKeepsItsRowsAtNoCostAndNewUsesArePriced() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (Connection c = EarlierSchema.before(config, "120");
             Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO UsageLedger (TenantId, Operation, Units) VALUES ('acme', 'search', 7)");
        }
        try (StorageEngine engine = StorageEngines.open(config)) { // deploys 120
            var usage = engine.forTenant("acme").usage();
            assertThat(usage.statement(null, null)).singleElement().satisfies(line -> {
                assertThat(line.operation()).isEqualTo("search");
                assertThat(line.units()).isEqualTo(7);
                assertThat(line.plan()).isEqualTo(RatePlan.DEFAULT);
                assertThat(line.currency()).isEqualTo("USD");
                assertThat(line.unit()).isNull();
                assertThat(line.multipliers()).isEmpty();
                assertThat(line.cost()).isEqualTo(new BigDecimal("0.000000"));
            });

            engine.billing().putPlan("upgraded", "USD");
            engine.billing().putRate("upgraded", new OperationRate("search", new BigDecimal("0.01"), "query"));
            engine.billing().assign("acme", "upgraded");
            // 0.01 × 3 = 0.03
            assertThat(usage.record(UsageEntry.of("search", 3)).cost()).isEqualTo(new BigDecimal("0.030000"));
            assertThat(usage.usage(null, null, UsageGrouping.OPERATION))
                    .containsExactly(new UsageGroup("search", 2, 10, new BigDecimal("0.030000")));
            assertThat(usage.statement(null, null)).extracting(StatementLine::plan)
                    .containsExactly(RatePlan.DEFAULT, "upgraded");
        }
    }
}
