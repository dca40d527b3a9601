package io.hartonomous.storage.messaging;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pump over the embedded engine's feed: ack commits, nack and silence roll back, failures back off, close. */
class FeedPumpTest {
    private static final FeedPump.Settings FAST = new FeedPump.Settings(10, Duration.ofMillis(100),
            Duration.ofSeconds(10), Duration.ofMillis(50), Duration.ofMillis(200));

    @TempDir
    Path dir;
    private StorageEngine engine;
    private final BlockingQueue<FeedBatch> delivered = new LinkedBlockingQueue<>();

    @BeforeEach
    void open() {
        engine = StorageEngines.open(LocalStorage.embeddedFile(dir));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private void nodes(int count) {
        for (int i = 0; i < count; i++) {
            engine.forTenant("acme").graph().node(NodeKind.FILE, i, "f" + i);
        }
    }

    private FeedBatch next() throws InterruptedException {
        FeedBatch batch = delivered.poll(10, TimeUnit.SECONDS);
        assertThat(batch).as("a batch was delivered").isNotNull();
        return batch;
    }

    /** Thrown to roll a look at the feed back. */
    private static final class Peeked extends RuntimeException {
    }

    /** How many changes are in the feed, leaving them there. */
    private int pendingWithoutTaking() {
        int[] n = {0};
        try {
            engine.provenanceFeed().receive(ProvenanceFeed.MAX_BATCH, Duration.ZERO, c -> {
                n[0] = c.size();
                throw new Peeked();
            });
        } catch (Peeked looked) {
            // rolled back on purpose
        }
        return n[0];
    }

    @Test
    void acknowledgedBatchesAreCommittedInBoundedSizes() throws Exception {
        nodes(25);
        try (FeedPump pump = new FeedPump(engine.provenanceFeed(), FAST, delivered::add, "test-pump").start()) {
            List<GraphChange> all = new ArrayList<>();
            while (all.size() < 25) {
                FeedBatch batch = next();
                assertThat(batch.changes()).hasSizeBetween(1, 10);
                all.addAll(batch.changes());
                batch.ack().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(batch.isSettled()).isTrue();
            }
            assertThat(all).hasSize(25).doesNotHaveDuplicates();
            assertThat(delivered.poll(300, TimeUnit.MILLISECONDS)).as("nothing more").isNull();
            assertThat(pump.isRunning()).isTrue();
        }
        assertThat(engine.provenanceFeed().receive(100, Duration.ZERO, c -> { })).isZero();
    }

    @Test
    void aNackedBatchComesAgainAfterABackOff() throws Exception {
        nodes(3);
        try (FeedPump pump = new FeedPump(engine.provenanceFeed(), FAST, delivered::add, "test-pump").start()) {
            FeedBatch first = next();
            long nacked = System.nanoTime();
            first.nack(new ProvenanceFeed.Unavailable("neo4j down", null)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            FeedBatch again = next();
            assertThat((System.nanoTime() - nacked) / 1_000_000).as("backed off first").isGreaterThanOrEqualTo(40L);
            assertThat(again.changes()).as("not the changes' fault: nothing charged, the same batch")
                    .isEqualTo(first.changes());
            again.ack().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThat(engine.provenanceFeed().receive(100, Duration.ZERO, c -> { })).isZero();
    }

    @Test
    void aBatchNobodyAcknowledgesIsRolledBackAfterTheTimeOut() throws Exception {
        nodes(2);
        FeedPump.Settings impatient = new FeedPump.Settings(10, Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(50), Duration.ofMillis(50));
        try (FeedPump pump = new FeedPump(engine.provenanceFeed(), impatient, delivered::add, "test-pump").start()) {
            FeedBatch ignored = next();
            assertThat(ignored.changes()).hasSize(2);
            // A time-out is charged to the batch: its changes are suspects now and come again one at a time.
            List<GraphChange> again = new ArrayList<>();
            while (again.size() < 2) {
                FeedBatch one = next();
                assertThat(one.changes()).hasSize(1);
                again.addAll(one.changes());
                one.ack().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            assertThat(again).isEqualTo(ignored.changes());
            assertThat(ignored.isSettled()).isTrue();
        }
    }

    @Test
    void closingRollsBackTheBatchInFlightAndStops() throws Exception {
        nodes(4);
        FeedPump pump = new FeedPump(engine.provenanceFeed(), FAST, delivered::add, "test-pump").start();
        FeedBatch held = next();
        long start = System.nanoTime();
        pump.close();
        assertThat((System.nanoTime() - start) / 1_000_000).as("prompt").isLessThan(3_000L);
        assertThat(pump.isRunning()).isFalse();
        assertThat(held.isSettled()).isTrue();
        assertThat(pendingWithoutTaking()).as("all four back in the feed").isEqualTo(4);
    }

    @Test
    void aFailingDownstreamIsRetriedLikeANack() throws Exception {
        nodes(1);
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        try (FeedPump pump = new FeedPump(engine.provenanceFeed(), FAST, batch -> {
            attempts.add(batch.changes().size());
            if (attempts.size() < 3) {
                throw new IllegalStateException("downstream refused");
            }
            delivered.add(batch);
        }, "test-pump").start()) {
            next().ack().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThat(attempts).containsExactly(1, 1, 1);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new FeedPump.Settings(0, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FeedPump.Settings(10, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FeedPump.Settings(10, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
