package io.hartonomous.storage.messaging;

import io.hartonomous.storage.contract.graph.GraphChange;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One batch of provenance changes taken off the feed, whose transaction is still open: {@link #ack()} commits it
 * (the changes are gone), {@link #nack(Throwable)} rolls it back (they will be delivered again). Only the first of
 * the two counts, and only while the pump still waits for it (see {@link FeedPump.Settings#ackTimeout()}). The
 * returned stages complete once the transaction has ended.
 */
public final class FeedBatch {
    private final List<GraphChange> changes;
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();
    private final CompletableFuture<Void> settled = new CompletableFuture<>();

    FeedBatch(List<GraphChange> changes) {
        this.changes = List.copyOf(changes);
    }

    public List<GraphChange> changes() {
        return changes;
    }

    /** Commit: the changes were applied. */
    public CompletionStage<Void> ack() {
        outcome.complete(null);
        return settled;
    }

    /** Roll back: the changes were not applied and are to be delivered again. */
    public CompletionStage<Void> nack(Throwable reason) {
        outcome.completeExceptionally(reason != null ? reason : new IllegalStateException("not applied"));
        return settled;
    }

    CompletableFuture<Void> outcome() {
        return outcome;
    }

    /**
     * The transaction ended, {@code failure} says how it went. Only an acknowledged batch whose commit failed
     * settles exceptionally; a rollback is what a nack (or a missed deadline) asked for.
     */
    void settle(Throwable failure) {
        boolean acknowledged = outcome.isDone() && !outcome.isCompletedExceptionally();
        if (acknowledged && failure != null) {
            settled.completeExceptionally(failure);
        } else {
            settled.complete(null);
        }
    }

    /** Committed, rolled back, or not yet decided. */
    public boolean isSettled() {
        return settled.isDone();
    }

    @Override
    public String toString() {
        return "FeedBatch[" + changes.size() + " changes]";
    }
}
