package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What only the embedded feed does: polling while it waits, SKIP LOCKED with a limit, the backfill of script 080. */
class EmbeddedProvenanceFeedTest {
    @TempDir
    Path dir;

    @Test
    void aWaitingReceiveReturnsSoonAfterAChangeCommits() throws Exception {
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir))) {
            List<GraphChange> got = new ArrayList<>();
            long start = System.nanoTime();
            CompletableFuture<GraphNode> writer = CompletableFuture.supplyAsync(() -> {
                sleep(300);
                return engine.forTenant("acme").graph().node(NodeKind.FILE, 1, "late.png");
            });
            int n = engine.provenanceFeed().receive(10, Duration.ofSeconds(20), got::addAll);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(n).isEqualTo(1);
            assertThat(got).singleElement().isInstanceOf(GraphChange.NodeUpserted.class);
            assertThat(tookMillis).as("returned once the change was there, not at the end of the wait")
                    .isBetween(250L, 5_000L);
            assertThat(writer.get(5, TimeUnit.SECONDS).label()).isEqualTo("late.png");

            long quiet = System.nanoTime();
            assertThat(engine.provenanceFeed().receive(10, Duration.ofMillis(400), got::addAll)).isZero();
            assertThat((System.nanoTime() - quiet) / 1_000_000).as("waited the whole wait").isGreaterThanOrEqualTo(390L);
        }
    }

    @Test
    void theLimitCountsOnlyRowsNobodyHolds() throws Exception {
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir))) {
            for (int i = 0; i < 6; i++) {
                engine.forTenant("acme").graph().node(NodeKind.ATOM, i, "a" + i);
            }
            List<GraphChange> first = new ArrayList<>();
            List<GraphChange> second = new ArrayList<>();
            engine.provenanceFeed().receive(3, Duration.ZERO, changes -> {
                first.addAll(changes);
                // Asking for as many as the first holds must still find the three others.
                second.addAll(CompletableFuture.supplyAsync(() -> {
                    List<GraphChange> other = new ArrayList<>();
                    engine.provenanceFeed().receive(3, Duration.ZERO, other::addAll);
                    return other;
                }).join());
            });
            assertThat(first).hasSize(3);
            assertThat(second).hasSize(3).doesNotContainAnyElementsOf(first);
        }
    }

    @Test
    void aGraphWrittenBeforeScript080IsQueuedOnceWhenItArrives() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (Connection c = EarlierSchema.before(config, "080")) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO AtomGraphNodes (NodeId, TenantId, NodeKind, RefId, Label) VALUES "
                        + "(1, 'acme', 'FILE', 7, 'old.png'), (2, 'acme', 'MODEL', 8, NULL)");
                s.executeUpdate("INSERT INTO AtomGraphEdges (EdgeId, TenantId, FromNodeId, ToNodeId, Relation) "
                        + "VALUES (1, 'acme', 1, 2, 'atomized-as')");
            }
        }
        try (StorageEngine engine = StorageEngines.open(config)) {
            List<GraphChange> got = new ArrayList<>();
            engine.provenanceFeed().receive(100, Duration.ZERO, got::addAll);
            assertThat(got).hasSize(3);
            assertThat(got.get(0)).isInstanceOfSatisfying(GraphChange.NodeUpserted.class,
                    n -> assertThat(n.node()).isEqualTo(new GraphNode(1, NodeKind.FILE, 7, "old.png")));
            assertThat(got.get(2)).isInstanceOfSatisfying(GraphChange.EdgeCreated.class,
                    e -> assertThat(e.relation()).isEqualTo("atomized-as"));
        }
        try (StorageEngine again = StorageEngines.open(config)) {
            assertThat(again.provenanceFeed().receive(100, Duration.ZERO, c -> { })).as("queued once").isZero();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
