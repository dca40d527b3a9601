package io.hartonomous.storage.contract.ooda;

import java.util.List;

/**
 * The engine's self-tuning loop, Analyze → Hypothesize → Act → Learn, as operators drive it. Engine-wide (like the
 * queue): it observes and changes the storage itself, not one tenant's data. Only safe kinds of action are ever
 * proposed; with {@link OodaSettings#dryRun()} on (the default) nothing is changed, and with
 * {@link OodaSettings#requireApproval()} on (the default) a proposal waits for {@link #approve}. The emergency stop
 * ({@link #stop()}) is stored in the database, so it holds across restarts until {@link #start()}.
 */
public interface OodaLoop {
    /** Whether the loop runs, and its settings. */
    OodaStatus status();

    /**
     * Runs one whole cycle now and returns it.
     *
     * @throws io.hartonomous.storage.contract.ConflictException while the loop is stopped
     */
    OodaCycle runCycle();

    /** The latest cycles, newest first, each with its observations and proposals. */
    List<OodaCycle> cycles(int limit);

    /**
     * Approves a proposal. Unless the loop is stopped or runs dry, the Act and Learn phases run at once for the
     * approved proposals (at most {@link OodaSettings#maxChangesPerCycle()} of them); otherwise the approval waits for
     * the next cycle that may act.
     *
     * @throws io.hartonomous.storage.contract.NotFoundException no such proposal
     * @throws io.hartonomous.storage.contract.ConflictException the proposal is no longer waiting for a decision
     */
    OodaProposal approve(long proposalId, String decidedBy);

    /** Rejects a proposal (proposed or approved, not yet applied); same exceptions as {@link #approve}. */
    OodaProposal reject(long proposalId, String decidedBy);

    /** Emergency stop: no cycle runs (scheduled or requested) until {@link #start()}. Idempotent. */
    void stop();

    /** Lifts the emergency stop. Idempotent. */
    void start();

    /** Replaces the settings; returns the status after the change. */
    OodaStatus configure(OodaSettings settings);
}
