package io.hartonomous.storage.contract.graph;

import java.time.Duration;
import java.util.List;

/**
 * The change feed of the provenance graph, for the cold tier (Neo4j). Every node or edge a {@link ProvenanceGraph}
 * creates (and every label it replaces) is queued in the same transaction as the change itself, so a change is in
 * the feed exactly when it committed. Delivery is at least once: a receiver gets a batch inside the transaction that
 * takes it off the feed, and the batch is gone only if the receiver's handler returns; if the handler throws (or
 * the process dies first) the batch is rolled back and delivered again later. Receivers compete: two concurrent
 * receivers never hold the same change. Engine-wide (every tenant's changes; each carries its tenant). Order is
 * queue order within a batch and roughly so across batches, but consumers must not rely on it (a change may also
 * come again after later ones): {@link GraphChange} says how to apply them idempotently.
 * <p>
 * Poison changes. A change that can never be applied must not hold the feed back for ever, so the feed counts
 * failures per change: when a handler throws, every change of the batch is charged one failed delivery (recorded
 * after the rollback, in a transaction of its own) with the handler's error. A change with any failure is suspect
 * and from then on is delivered <em>alone</em>, in a batch of one, before any batch of unsuspected changes; so after
 * one failed batch its changes are retried one at a time, the good ones go through and only the change that keeps
 * failing keeps being charged. When a change has failed {@link io.hartonomous.storage.contract.operations.DeadLetters#maxDeliveries
 * maxDeliveries}({@value io.hartonomous.storage.contract.operations.DeadLetters#PROVENANCE_QUEUE}) times (default 5)
 * it is moved to the dead-letter table with its last error and its JSON body
 * ({@code {"change":"node"|"edge", ...}}, the fields of {@link GraphChange}); retrying it there puts it back on the
 * feed with its original {@code changedAt}. A handler that fails for a reason that is not the changes' fault (the
 * cold tier is unreachable, a circuit breaker is open, the receiver is stopping) throws {@link Unavailable}: the
 * batch is rolled back and nothing is charged, so an outage dead-letters nothing.
 */
public interface ProvenanceFeed {
    int MAX_BATCH = 1000;
    Duration MAX_WAIT = Duration.ofMinutes(1);

    /**
     * Takes up to {@code maxChanges} changes, waiting up to {@code wait} (zero: not at all) for the first one, and
     * hands them to {@code handler} while the taking transaction is still open. When the handler returns, the
     * changes are removed for good; when it throws, they are put back and its exception is rethrown. The handler is
     * not called when nothing came in time.
     *
     * @return how many changes were handed over and committed (0 when none came in time)
     */
    int receive(int maxChanges, Duration wait, Handler handler);

    /**
     * Thrown by a handler that cannot take changes right now through no fault of theirs: the batch is rolled back
     * (delivered again later) without charging its changes a failed delivery.
     */
    class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What a receiver does with one batch, inside the receiving transaction. */
    @FunctionalInterface
    interface Handler {
        void handle(List<GraphChange> changes);
    }

    /** Checks the arguments of {@link #receive} the same way on every engine. */
    static void requireReceive(int maxChanges, Duration wait, Handler handler) {
        if (maxChanges < 1 || maxChanges > MAX_BATCH) {
            throw new IllegalArgumentException("maxChanges must be between 1 and " + MAX_BATCH + ", got " + maxChanges);
        }
        if (wait == null || wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("wait must be between zero and " + MAX_WAIT + ", got " + wait);
        }
        if (handler == null) {
            throw new IllegalArgumentException("a receiver needs a handler");
        }
    }
}
