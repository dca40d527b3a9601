package io.hartonomous.api.admin.ooda;

import io.hartonomous.storage.contract.ooda.OodaCycle;
import io.hartonomous.storage.contract.ooda.OodaObservation;
import io.hartonomous.storage.contract.ooda.OodaProposal;
import io.hartonomous.storage.contract.ooda.OodaStatus;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The OODA loop as JSON: names in lower case (kinds, actions, states), times ISO-8601. */
final class OodaViews {
    private OodaViews() {
    }

    record StatusView(boolean running, boolean dryRun, boolean requireApproval, int maxChangesPerCycle,
                      long historyRetentionSeconds) {
        static StatusView of(OodaStatus s) {
            return new StatusView(s.running(), s.settings().dryRun(), s.settings().requireApproval(),
                    s.settings().maxChangesPerCycle(), s.settings().historyRetention().toSeconds());
        }
    }

    record LoopView(boolean running, boolean dryRun, boolean requireApproval, int maxChangesPerCycle,
                    long historyRetentionSeconds, List<CycleView> cycles) {
        static LoopView of(OodaStatus s, List<OodaCycle> cycles) {
            StatusView v = StatusView.of(s);
            return new LoopView(v.running(), v.dryRun(), v.requireApproval(), v.maxChangesPerCycle(),
                    v.historyRetentionSeconds(), cycles.stream().map(CycleView::of).toList());
        }
    }

    record CycleView(String cycleId, Instant startedAt, boolean dryRun, List<ObservationView> observations,
                     List<ProposalView> proposals) {
        static CycleView of(OodaCycle c) {
            return new CycleView(c.cycleId(), c.startedAt(), c.dryRun(),
                    c.observations().stream().map(ObservationView::of).toList(),
                    c.proposals().stream().map(ProposalView::of).toList());
        }
    }

    record ObservationView(String kind, String target, double metric, String detail) {
        static ObservationView of(OodaObservation o) {
            return new ObservationView(lower(o.kind().name()), o.target(), o.metric(), o.detail());
        }
    }

    record ProposalView(long proposalId, String cycleId, String action, String target, String state,
                        String expectedEffect, Double metricBefore, Double metricAfter, String measuredEffect,
                        String decidedBy, Instant appliedAt, String error) {
        static ProposalView of(OodaProposal p) {
            return new ProposalView(p.proposalId(), p.cycleId(), lower(p.action().name()), p.target(),
                    p.state().wireName(), p.expectedEffect(), p.metricBefore(), p.metricAfter(), p.measuredEffect(),
                    p.decidedBy(), p.appliedAt(), p.error());
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
