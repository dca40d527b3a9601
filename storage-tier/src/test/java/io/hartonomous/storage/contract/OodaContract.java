package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.Snapshot;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.contract.models.WeightUpdate;
import io.hartonomous.storage.contract.ooda.ActionKind;
import io.hartonomous.storage.contract.ooda.ObservationKind;
import io.hartonomous.storage.contract.ooda.OodaCycle;
import io.hartonomous.storage.contract.ooda.OodaObservation;
import io.hartonomous.storage.contract.ooda.OodaProposal;
import io.hartonomous.storage.contract.ooda.OodaSettings;
import io.hartonomous.storage.contract.ooda.ProposalState;
import io.hartonomous.storage.contract.operations.QueueMessage;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OODA loop end to end on a degraded state made on purpose: an embedding type grown past its landmarks and a
 * history table past retention. Settings and the stop switch are engine-wide, so every test sets what it relies on
 * and leaves the loop running with the defaults and no decision pending (on a shared database other tests' proposals
 * would otherwise be applied by this one's cycles); targets are this test's own (a fresh embedding type).
 */
public abstract class OodaContract extends StorageContractSuite {
    private static final String COEFFICIENT_HISTORY = "TensorAtomCoefficientsHistory";

    /** A new engine on the same database as {@link #engine} (a restart); the caller closes it. */
    protected abstract StorageEngine reopenEngine() throws Exception;

    @BeforeEach
    void nothingPending() {
        engine.ooda().start();
        engine.ooda().configure(OodaSettings.DEFAULTS);
        rejectPending();
    }

    @AfterEach
    void leaveTheLoopRunningWithDefaults() {
        if (engine != null) {
            engine.ooda().start();
            engine.ooda().configure(OodaSettings.DEFAULTS);
            rejectPending();
        }
    }

    private void rejectPending() {
        engine.ooda().cycles(1000).stream().flatMap(c -> c.proposals().stream())
                .filter(p -> p.state() == ProposalState.PROPOSED
                        || p.state() == ProposalState.APPROVED && p.appliedAt() == null)
                .forEach(p -> {
                    try {
                        engine.ooda().reject(p.proposalId(), "test cleanup");
                    } catch (ConflictException decidedMeanwhile) {
                        // applied or decided by a cycle meanwhile
                    }
                });
    }

    /** {@code count} embeddings of {@code type}, each on a new file of a fresh tenant. */
    private void embed(TenantStorage t, String type, int count, Random random) {
        for (int i = 0; i < count; i++) {
            JobStart s = t.ingest().startJob(newJob(Modality.IMAGE, "e" + i));
            t.ingest().completeJob(s.job().jobId(), null);
            float[] v = new float[8];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            t.vectors().put(new NewEmbedding(s.parent().atomId(), type, v, false));
        }
    }

    /** A stale type: {@code n} embeddings, a rebuild, then {@code n} more (grown 2x since the landmarks). */
    private String staleType(int n) {
        String type = "ooda-" + UUID.randomUUID().toString().substring(0, 8);
        TenantStorage t = engine.forTenant(newTenant());
        Random random = new Random(11);
        embed(t, type, n, random);
        t.vectors().rebuildProjection(type);
        embed(t, type, n, random);
        return type;
    }

    /** A 1×3 tensor whose weights were then updated: three rows in the coefficients' history. */
    private record Tuned(TenantStorage tenant, long modelId, Instant beforeUpdate) {
    }

    private Tuned tunedModel() throws InterruptedException {
        return tunedModel(false).tuned();
    }

    /** A tuned model; with {@code snapshot}, a snapshot named before the update (it needs the rows it replaced). */
    private record Kept(Tuned tuned, Snapshot snapshot) {
    }

    private Kept tunedModel(boolean snapshot) throws InterruptedException {
        TenantStorage t = engine.forTenant(newTenant());
        long job = t.ingest().startJob(newJob(Modality.MODEL, "m.gguf")).job().jobId();
        Model model = t.ingest().registerModel(job, new NewModel("tiny", "gguf", "{}", List.of(
                new ModelLayer(0, 0, "w", List.of(3L), "F32", "f32", 3))));
        List<NewAtom> atoms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            atoms.add(weight((float) Math.random() + i));
        }
        t.ingest().writeChunk(job, new Chunk(0, atoms, null, new CoefficientBatch(3, new int[3],
                new long[] {0, 1, 2}, new long[3], new long[3], new int[] {0, 1, 2}), 0));
        t.ingest().completeJob(job, null);
        Thread.sleep(5);
        Instant before = Instant.now();
        Snapshot named = snapshot ? t.models().createSnapshot(model.modelId(), "before-tuning") : null;
        Thread.sleep(5);
        t.models().updateWeights(model.modelId(), 0, List.of(new WeightUpdate(0, 0, 0, weight(-1f)),
                new WeightUpdate(1, 0, 0, weight(-2f)), new WeightUpdate(2, 0, 0, weight(-3f))));
        return new Kept(new Tuned(t, model.modelId(), before), named);
    }

    private static long cells(Tuned m, Instant asOf) {
        try (Stream<TensorCell> cells = m.tenant().models().tensor(m.modelId(), 0, asOf)) {
            return cells.count();
        }
    }

    private static Optional<OodaObservation> observed(OodaCycle c, ObservationKind kind, String target) {
        return c.observations().stream().filter(o -> o.kind() == kind && o.target().equals(target)).findFirst();
    }

    private static OodaProposal proposal(OodaCycle c, ActionKind action, String target) {
        return c.proposals().stream().filter(p -> p.action() == action && p.target().equals(target)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " of " + target + " in " + c.proposals()));
    }

    private OodaProposal current(long proposalId) {
        return engine.ooda().cycles(50).stream().flatMap(c -> c.proposals().stream())
                .filter(p -> p.proposalId() == proposalId).findFirst().orElseThrow();
    }

    @Test
    void deadLettersAreObservedPerQueueAndNothingIsProposedForThem() {
        String queue = "ooda-poison-" + UUID.randomUUID().toString().substring(0, 8);
        engine.deadLetters().setMaxDeliveries(queue, 1);
        engine.queue().enqueue(queue, "never parses");
        QueueMessage m = engine.queue().receive(queue, 1, Duration.ofSeconds(30)).getFirst();
        assertThat(engine.queue().abandon(m, "bad body")).isTrue();

        OodaCycle cycle = engine.ooda().runCycle();
        assertThat(observed(cycle, ObservationKind.DEAD_LETTERS, queue)).as("observations %s", cycle.observations())
                .hasValueSatisfying(o -> assertThat(o.metric()).isEqualTo(1.0));
        assertThat(cycle.proposals()).noneMatch(p -> p.target().equals(queue));
    }

    @Test
    void aDegradedStateIsProposedLeftAloneInDryRunAndRepairedOnceApproved() throws Exception {
        engine.ooda().configure(OodaSettings.DEFAULTS.withHistoryRetention(Duration.ofSeconds(1)));
        assertThat(engine.ooda().status().running()).isTrue();
        assertThat(engine.ooda().status().settings().dryRun()).as("dry run by default").isTrue();
        String type = staleType(12);
        Tuned model = tunedModel();
        Kept kept = tunedModel(true);
        Thread.sleep(1200);

        OodaCycle first = engine.ooda().runCycle();
        assertThat(first.dryRun()).isTrue();
        assertThat(observed(first, ObservationKind.STALE_LANDMARKS, type)).get()
                .satisfies(o -> assertThat(o.metric()).isGreaterThanOrEqualTo(2.0));
        assertThat(observed(first, ObservationKind.HISTORY_PAST_RETENTION, COEFFICIENT_HISTORY)).get()
                .satisfies(o -> assertThat(o.metric()).isGreaterThanOrEqualTo(3));
        OodaProposal rebuild = proposal(first, ActionKind.REBUILD_PROJECTION, type);
        OodaProposal purge = proposal(first, ActionKind.PURGE_HISTORY, COEFFICIENT_HISTORY);
        assertThat(List.of(rebuild, purge)).allSatisfy(p -> {
            assertThat(p.state()).as("approval required by default").isEqualTo(ProposalState.PROPOSED);
            assertThat(p.expectedEffect()).isNotBlank();
            assertThat(p.metricAfter()).isNull();
        });

        // Approved in dry run: recorded, nothing changes.
        assertThat(engine.ooda().approve(rebuild.proposalId(), "ops").state()).isEqualTo(ProposalState.APPROVED);
        assertThat(engine.ooda().approve(purge.proposalId(), "ops").state()).isEqualTo(ProposalState.APPROVED);
        OodaCycle dry = engine.ooda().runCycle();
        assertThat(observed(dry, ObservationKind.STALE_LANDMARKS, type)).as("still stale").isPresent();
        assertThat(cells(model, model.beforeUpdate())).as("history still answers AS OF").isEqualTo(3);
        assertThat(dry.proposals()).as("no second proposal while one waits")
                .noneMatch(p -> p.target().equals(type) || p.target().equals(COEFFICIENT_HISTORY));
        assertThat(current(rebuild.proposalId()).state()).isEqualTo(ProposalState.APPROVED);

        // Out of dry run, the next cycle acts and Learn measures the same observations again.
        engine.ooda().configure(OodaSettings.DEFAULTS.withDryRun(false)
                .withHistoryRetention(Duration.ofSeconds(1)));
        OodaCycle acting = engine.ooda().runCycle();
        assertThat(acting.dryRun()).isFalse();
        OodaProposal rebuilt = current(rebuild.proposalId());
        assertThat(rebuilt.state()).isEqualTo(ProposalState.APPLIED);
        assertThat(rebuilt.appliedAt()).isNotNull();
        assertThat(rebuilt.metricAfter()).isEqualTo(1.0);
        assertThat(rebuilt.measuredEffect()).isNotBlank();
        OodaProposal purged = current(purge.proposalId());
        assertThat(purged.state()).isEqualTo(ProposalState.APPLIED);
        assertThat(purged.metricAfter()).isZero();
        assertThat(purged.measuredEffect()).isNotBlank();
        assertThat(cells(model, model.beforeUpdate())).as("history before the cutoff is gone").isZero();
        assertThat(cells(model, null)).as("current weights untouched").isEqualTo(3);
        assertThat(cells(kept.tuned(), kept.snapshot().takenAt())).as("what a snapshot needs is kept").isEqualTo(3);

        OodaCycle after = engine.ooda().runCycle();
        assertThat(observed(after, ObservationKind.STALE_LANDMARKS, type)).isEmpty();
        assertThat(engine.ooda().cycles(10)).extracting(OodaCycle::cycleId)
                .containsSubsequence(after.cycleId(), acting.cycleId(), dry.cycleId(), first.cycleId());
    }

    @Test
    void outsideDryRunApprovingActsAtOnce() {
        engine.ooda().configure(OodaSettings.DEFAULTS.withDryRun(false));
        String type = staleType(6);
        OodaProposal proposed = proposal(engine.ooda().runCycle(), ActionKind.REBUILD_PROJECTION, type);
        assertThat(proposed.state()).as("still waits for approval").isEqualTo(ProposalState.PROPOSED);
        OodaProposal applied = engine.ooda().approve(proposed.proposalId(), "ops");
        assertThat(applied.state()).isEqualTo(ProposalState.APPLIED);
        assertThat(applied.decidedBy()).isEqualTo("ops");
        assertThat(applied.metricAfter()).isEqualTo(1.0);
    }

    @Test
    void withoutApprovalTheCycleActsUpToItsCap() {
        engine.ooda().configure(new OodaSettings(false, false, 1, OodaSettings.DEFAULTS.historyRetention()));
        String a = staleType(4);
        String b = staleType(4);
        OodaCycle cycle = engine.ooda().runCycle();
        // Whatever else this database shows (SQL Server: statistics, indexes), one change is made per cycle.
        List<OodaProposal> applied = engine.ooda().cycles(50).stream().flatMap(c -> c.proposals().stream())
                .filter(p -> p.appliedAt() != null && !p.appliedAt().isBefore(cycle.startedAt())).toList();
        assertThat(applied).as("changes made by the cycle").hasSize(1);
        List<ProposalState> states = List.of(current(proposal(cycle, ActionKind.REBUILD_PROJECTION, a).proposalId())
                .state(), current(proposal(cycle, ActionKind.REBUILD_PROJECTION, b).proposalId()).state());
        assertThat(states).as("approved without an operator; one waits for the next cycle")
                .contains(ProposalState.APPROVED).doesNotContain(ProposalState.PROPOSED);
    }

    @Test
    void decisionsOnUnknownOrDecidedProposalsAreRefused() {
        String type = staleType(4);
        OodaProposal p = proposal(engine.ooda().runCycle(), ActionKind.REBUILD_PROJECTION, type);
        assertThatThrownBy(() -> engine.ooda().approve(Long.MAX_VALUE, "ops")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.ooda().reject(Long.MAX_VALUE, "ops")).isInstanceOf(NotFoundException.class);
        assertThat(engine.ooda().reject(p.proposalId(), "ops").state()).isEqualTo(ProposalState.REJECTED);
        assertThatThrownBy(() -> engine.ooda().approve(p.proposalId(), "ops")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("rejected");
        assertThatThrownBy(() -> engine.ooda().reject(p.proposalId(), "ops")).isInstanceOf(ConflictException.class);
        assertThat(proposal(engine.ooda().runCycle(), ActionKind.REBUILD_PROJECTION, type).state())
                .as("a rejected proposal does not block the next one").isEqualTo(ProposalState.PROPOSED);
    }

    @Test
    void theEmergencyStopHoldsAcrossARestart() throws Exception {
        engine.ooda().stop();
        engine.ooda().stop();
        assertThat(engine.ooda().status().running()).isFalse();
        assertThatThrownBy(() -> engine.ooda().runCycle()).isInstanceOf(ConflictException.class)
                .hasMessageContaining("stopped");
        engine.close();
        engine = reopenEngine();
        assertThat(engine.ooda().status().running()).as("still stopped after the restart").isFalse();
        assertThatThrownBy(() -> engine.ooda().runCycle()).isInstanceOf(ConflictException.class);
        engine.ooda().start();
        assertThat(engine.ooda().status().running()).isTrue();
        assertThat(engine.ooda().runCycle().cycleId()).isNotBlank();
    }

    @Test
    void settingsAreValidatedAndKept() {
        assertThatThrownBy(() -> new OodaSettings(true, true, -1, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxChangesPerCycle");
        assertThatThrownBy(() -> new OodaSettings(true, true, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("historyRetention");
        OodaSettings set = new OodaSettings(false, false, 7, Duration.ofHours(5));
        assertThat(engine.ooda().configure(set).settings()).isEqualTo(set);
        assertThat(engine.ooda().status().settings()).isEqualTo(set);
        assertThatThrownBy(() -> engine.ooda().cycles(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
