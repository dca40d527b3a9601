package io.hartonomous.storage.contract.ooda;

import java.time.Instant;
import java.util.List;

/** One cycle: what it observed and the proposals it made (their current state, effects measured since). */
public record OodaCycle(String cycleId, Instant startedAt, boolean dryRun, List<OodaObservation> observations,
                        List<OodaProposal> proposals) {
    public OodaCycle {
        observations = List.copyOf(observations);
        proposals = List.copyOf(proposals);
    }
}
