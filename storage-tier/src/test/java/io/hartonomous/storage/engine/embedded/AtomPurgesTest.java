package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.engine.jdbc.RetryableConflict;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The meeting point of purges and chunks that keep atoms by a dictionary entry alone, on two real H2 connections:
 * a purge committed after the chunk looked its atoms up makes the chunk retry, one in progress makes it wait first.
 */
class AtomPurgesTest {
    @TempDir
    Path dir;

    private StorageConfig config;

    @BeforeEach
    void schema() {
        config = LocalStorage.embeddedFile(dir);
        EmbeddedEngine.open(config).close();
    }

    private Connection connect() throws Exception {
        Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
        c.setAutoCommit(false);
        return c;
    }

    @Test
    void withoutAPurgeInBetweenTheChunkCommits() throws Exception {
        try (Connection chunk = connect()) {
            long seen = AtomPurges.seen(chunk);
            assertThatNoException().isThrownBy(() -> AtomPurges.requireNoneSince(chunk, seen));
            chunk.commit();
        }
    }

    @Test
    void aPurgeCommittedAfterTheLookupMakesTheChunkRetry() throws Exception {
        try (Connection chunk = connect(); Connection purge = connect()) {
            long seen = AtomPurges.seen(chunk);
            AtomPurges.announce(purge);
            purge.commit();
            assertThatThrownBy(() -> AtomPurges.requireNoneSince(chunk, seen)).isInstanceOf(RetryableConflict.class);
            chunk.rollback();
            assertThat(AtomPurges.seen(chunk)).isEqualTo(seen + 1);
        }
    }

    @Test
    void aPurgeInProgressIsWaitedForAndThenMakesTheChunkRetry() throws Exception {
        try (Connection chunk = connect(); Connection purge = connect()) {
            long seen = AtomPurges.seen(chunk);
            AtomPurges.announce(purge);
            CompletableFuture<Throwable> check = CompletableFuture.supplyAsync(() -> {
                try {
                    AtomPurges.requireNoneSince(chunk, seen);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            Thread.sleep(300);
            assertThat(check).as("the chunk waits while the purge holds the row").isNotDone();
            purge.commit();
            assertThat(check.get(30, TimeUnit.SECONDS)).isInstanceOf(RetryableConflict.class);
            chunk.rollback();
        }
    }

    @Test
    void aPurgeWaitsForAChunkThatLockedTheRowFirst() throws Exception {
        try (Connection chunk = connect(); Connection purge = connect()) {
            long seen = AtomPurges.seen(chunk);
            AtomPurges.requireNoneSince(chunk, seen);
            CompletableFuture<Void> purging = CompletableFuture.runAsync(() -> {
                try {
                    AtomPurges.announce(purge);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertThat(purging).as("the purge waits until the chunk's entries are committed").isNotDone();
            chunk.commit();
            purging.get(30, TimeUnit.SECONDS);
            purge.commit();
        }
    }
}
