package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.ooda.ActionKind;
import io.hartonomous.storage.contract.ooda.ObservationKind;
import io.hartonomous.storage.contract.ooda.OodaCycle;
import io.hartonomous.storage.contract.ooda.OodaObservation;
import io.hartonomous.storage.contract.ooda.OodaProposal;
import io.hartonomous.storage.contract.ooda.OodaSettings;
import io.hartonomous.storage.contract.ooda.ProposalState;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only the embedded engine observes and changes: the contract calls' timings that every process on the database
 * writes (so a cycle run by one engine sees another engine's calls), and stale statistics answered by ANALYZE.
 * The thresholds are lowered in the OodaSettings table, as an operator would, so a small database shows them.
 */
class EmbeddedOodaTest {
    @TempDir
    Path dir;
    private StorageConfig config;

    @BeforeEach
    void schema() {
        config = LocalStorage.embeddedFile(dir);
        EmbeddedEngine.open(config).close();
    }

    private void thresholds(Map<String, String> settings) throws Exception {
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE OodaSettings SET SettingValue = ? WHERE SettingName = ?")) {
            for (Map.Entry<String, String> s : settings.entrySet()) {
                ps.setString(1, s.getValue());
                ps.setString(2, s.getKey());
                assertThat(ps.executeUpdate()).as(s.getKey()).isEqualTo(1);
            }
        }
    }

    private static OodaObservation observed(OodaCycle c, ObservationKind kind, String target) {
        return c.observations().stream().filter(o -> o.kind() == kind && o.target().equals(target)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " of " + target + " in " + c.observations()));
    }

    @Test
    void aCycleSeesTheSlowCallsOfAnotherProcessOnTheDatabaseAndProposesNothingForThem() throws Exception {
        thresholds(Map.of("OodaSlowOperationMillis", "0", "OodaMinExecutions", "2"));
        try (EmbeddedEngine api = EmbeddedEngine.open(config); EmbeddedEngine storage = EmbeddedEngine.open(config)) {
            api.rowCounts();
            api.rowCounts();
            api.flushTimings();

            OodaCycle cycle = storage.ooda().runCycle();
            OodaObservation slow = observed(cycle, ObservationKind.SLOW_QUERY, "rowCounts");
            assertThat(slow.detail()).startsWith("2 calls");
            assertThat(slow.metric()).isPositive();
            assertThat(cycle.proposals()).as("slow calls are reported, not acted on")
                    .noneMatch(p -> p.target().equals("rowCounts"));

            api.rowCounts();
            api.flushTimings();
            assertThat(observed(storage.ooda().runCycle(), ObservationKind.SLOW_QUERY, "rowCounts").detail())
                    .as("added up, not replaced").startsWith("3 calls");
        }
    }

    @Test
    void staleStatisticsAreAnalyzedOnceApprovedAndMeasuredAgain() throws Exception {
        thresholds(Map.of("OodaMinTableRows", "5", "OodaStaleStatisticsPercent", "20"));
        try (EmbeddedEngine engine = EmbeddedEngine.open(config)) {
            engine.ooda().configure(OodaSettings.DEFAULTS.withDryRun(false));
            TenantStorage t = engine.forTenant("stats");
            Random random = new Random(5);
            for (int i = 0; i < 6; i++) {
                byte[] content = new byte[16];
                random.nextBytes(content);
                JobStart s = t.ingest().startJob(new NewJob(Modality.IMAGE, "f" + i,
                        ContentHash.of(AtomType.file(Modality.IMAGE), content), 16, "{}", null));
                t.ingest().completeJob(s.job().jobId(), null);
            }

            OodaCycle cycle = engine.ooda().runCycle();
            assertThat(observed(cycle, ObservationKind.STALE_STATISTICS, "IngestionJobs").metric())
                    .isGreaterThanOrEqualTo(20);
            OodaProposal analyze = cycle.proposals().stream().filter(p -> p.action() == ActionKind.UPDATE_STATISTICS
                    && p.target().equals("IngestionJobs")).findFirst().orElseThrow();
            assertThat(analyze.state()).isEqualTo(ProposalState.PROPOSED);
            assertThat(analyze.expectedEffect()).contains("ANALYZE TABLE IngestionJobs");

            OodaProposal applied = engine.ooda().approve(analyze.proposalId(), "ops");
            assertThat(applied.state()).isEqualTo(ProposalState.APPLIED);
            assertThat(applied.metricAfter()).isZero();
            assertThat(applied.measuredEffect()).contains("ANALYZE TABLE IngestionJobs at 6 rows")
                    .contains("-> 0.00: better");
            assertThat(engine.ooda().runCycle().observations())
                    .noneMatch(o -> o.kind() == ObservationKind.STALE_STATISTICS && o.target().equals("IngestionJobs"));
        }
    }
}
