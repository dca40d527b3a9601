package io.hartonomous.storage.contract.ooda;

import java.time.Instant;

/**
 * One proposed action: what it changes, why (the observation's figure before), what it is expected to do, and — once
 * applied and measured again by Learn — the figure after and what it did. {@code error} is set when applying failed.
 */
public record OodaProposal(long proposalId, String cycleId, ActionKind action, String target, ProposalState state,
                           String expectedEffect, Double metricBefore, Double metricAfter, String measuredEffect,
                           String decidedBy, Instant appliedAt, String error) {
    public OodaProposal {
        if (action == null || state == null || target == null) {
            throw new IllegalArgumentException("a proposal has an action, a target and a state");
        }
    }
}
