package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.GraphEdge;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;

import io.hartonomous.storage.contract.graph.ProvenanceFeed;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provenance change feed: every graph change arrives (nodes, edges, relabels; nothing for a no-op), a handler
 * that throws gets its changes again, concurrent receivers never share a change, and a committed change never comes
 * back. The feed is engine-wide and engines may share a database between tests, so each test drains what earlier
 * tests left and looks only at its own fresh tenant.
 */
public abstract class ProvenanceFeedContract extends StorageContractSuite {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @BeforeEach
    void drainEarlierChanges() {
        while (engine.provenanceFeed().receive(ProvenanceFeed.MAX_BATCH, Duration.ZERO, changes -> { }) > 0) {
            // what other tests wrote is of no interest here
        }
    }

    /** Receives (committing) until {@code expected} changes of the tenant came, or gives up after a while. */
    private List<GraphChange> collect(String tenant, int expected) {
        List<GraphChange> mine = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (mine.size() < expected && System.nanoTime() < deadline) {
            engine.provenanceFeed().receive(100, Duration.ofMillis(200),
                    changes -> changes.stream().filter(c -> c.tenantId().equals(tenant)).forEach(mine::add));
        }
        return mine;
    }

    /** What of the tenant is still in the feed (receiving it, so it is gone afterwards). */
    private List<GraphChange> leftOver(String tenant) {
        List<GraphChange> left = new ArrayList<>();
        engine.provenanceFeed().receive(ProvenanceFeed.MAX_BATCH, Duration.ofMillis(300),
                changes -> changes.stream().filter(c -> c.tenantId().equals(tenant)).forEach(left::add));
        return left;
    }

    private static GraphChange.NodeUpserted nodeChange(String tenant, GraphNode n) {
        return new GraphChange.NodeUpserted(tenant, n.nodeId(), n.kind(), n.refId(), n.label(), java.time.Instant.EPOCH);
    }

    /** Changes without their times, to compare with what the test expects. */
    private static Set<GraphChange> timeless(List<GraphChange> changes) {
        Set<GraphChange> out = new HashSet<>();
        for (GraphChange c : changes) {
            out.add(switch (c) {
                case GraphChange.NodeUpserted n -> new GraphChange.NodeUpserted(n.tenantId(), n.nodeId(), n.kind(),
                        n.refId(), n.label(), java.time.Instant.EPOCH);
                case GraphChange.EdgeCreated e -> new GraphChange.EdgeCreated(e.tenantId(), e.edgeId(),
                        e.fromNodeId(), e.toNodeId(), e.relation(), java.time.Instant.EPOCH);
                case GraphChange.NodeRemoved n -> new GraphChange.NodeRemoved(n.tenantId(), n.nodeId(),
                        java.time.Instant.EPOCH);
                case GraphChange.EdgeRemoved e -> new GraphChange.EdgeRemoved(e.tenantId(), e.edgeId(),
                        java.time.Instant.EPOCH);
            });
        }
        return out;
    }

    @Test
    void nodesEdgesAndRelabelsArriveOnceEachAndNoOpsSendNothing() {
        String tenant = newTenant();
        ProvenanceGraph g = engine.forTenant(tenant).graph();
        GraphNode file = g.node(NodeKind.FILE, 1, "a.png");
        GraphNode model = g.node(NodeKind.MODEL, 2, null);
        g.node(NodeKind.FILE, 1, null);
        g.node(NodeKind.FILE, 1, "a.png");
        GraphNode renamed = g.node(NodeKind.FILE, 1, "renamed.png");
        GraphEdge edge = g.edge(file.nodeId(), model.nodeId(), "atomized-as");
        g.edge(file.nodeId(), model.nodeId(), "atomized-as");

        List<GraphChange> changes = collect(tenant, 4);
        assertThat(renamed.nodeId()).isEqualTo(file.nodeId());
        assertThat(timeless(changes)).containsExactlyInAnyOrder(
                nodeChange(tenant, file), nodeChange(tenant, model), nodeChange(tenant, renamed),
                new GraphChange.EdgeCreated(tenant, edge.edgeId(), file.nodeId(), model.nodeId(), "atomized-as",
                        java.time.Instant.EPOCH));
        assertThat(changes).hasSize(4).allSatisfy(c -> assertThat(c.changedAt()).isNotNull());
        GraphChange.NodeUpserted created = changes.stream().filter(c -> c instanceof GraphChange.NodeUpserted n
                && n.nodeId() == file.nodeId() && "a.png".equals(n.label())).map(GraphChange.NodeUpserted.class::cast)
                .findFirst().orElseThrow();
        GraphChange.NodeUpserted relabelled = changes.stream().filter(c -> c instanceof GraphChange.NodeUpserted n
                && "renamed.png".equals(n.label())).map(GraphChange.NodeUpserted.class::cast).findFirst().orElseThrow();
        assertThat(relabelled.changedAt()).as("a later change of a node is not earlier")
                .isAfterOrEqualTo(created.changedAt());

        assertThat(leftOver(tenant)).as("committed changes never come again").isEmpty();
    }

    @Test
    void aHandlerThatThrowsGetsTheSameChangesAgain() {
        String tenant = newTenant();
        ProvenanceGraph g = engine.forTenant(tenant).graph();
        GraphNode a = g.node(NodeKind.FILE, 10, "a");
        GraphNode b = g.node(NodeKind.FILE, 11, "b");
        g.edge(a.nodeId(), b.nodeId(), "derived-from");

        List<GraphChange> failed = new ArrayList<>();
        IllegalStateException down = new IllegalStateException("cold tier unavailable");
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (failed.isEmpty() && System.nanoTime() < deadline) {
            assertThatThrownBy(() -> engine.provenanceFeed().receive(100, Duration.ofMillis(200), changes -> {
                changes.stream().filter(c -> c.tenantId().equals(tenant)).forEach(failed::add);
                throw down;
            })).isSameAs(down);
        }
        assertThat(failed).as("the failed batch had our changes").isNotEmpty();

        List<GraphChange> again = collect(tenant, 3);
        assertThat(again).as("redelivered, all three, once each").hasSize(3);
        assertThat(again).containsAll(failed);
        assertThat(leftOver(tenant)).isEmpty();
    }

    @Test
    void aConcurrentReceiverSkipsWhatAnotherHolds() throws Exception {
        String tenant = newTenant();
        ProvenanceGraph g = engine.forTenant(tenant).graph();
        for (int i = 0; i < 6; i++) {
            g.node(NodeKind.ATOM, 100 + i, "atom " + i);
        }
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            List<GraphChange> first = new ArrayList<>();
            List<GraphChange> other = Collections.synchronizedList(new ArrayList<>());
            engine.provenanceFeed().receive(3, Duration.ofSeconds(5), changes -> {
                first.addAll(changes);
                // While this batch is held, another receiver must neither wait for it nor get any of it.
                Future<Integer> took = second.submit(() -> engine.provenanceFeed().receive(100, Duration.ofMillis(300),
                        more -> other.addAll(more)));
                try {
                    took.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the second receiver did not finish while the first held", e);
                }
            });
            assertThat(first).hasSizeBetween(1, 3);
            assertThat(other).doesNotContainAnyElementsOf(first);
            List<GraphChange> all = new ArrayList<>(first);
            other.stream().filter(c -> c.tenantId().equals(tenant)).forEach(all::add);
            all.addAll(collect(tenant, 6 - all.size()));
            assertThat(all).hasSize(6).doesNotHaveDuplicates();
        } finally {
            second.shutdownNow();
        }
        assertThat(leftOver(tenant)).isEmpty();
    }

    @Test
    void twoConsumersDrainingTogetherGetEveryChangeExactlyOnce() throws Exception {
        String tenant = newTenant();
        ProvenanceGraph g = engine.forTenant(tenant).graph();
        int nodes = 40;
        GraphNode previous = null;
        for (int i = 0; i < nodes; i++) {
            GraphNode n = g.node(NodeKind.TENSOR, 1000 + i, "w" + i);
            if (previous != null) {
                g.edge(previous.nodeId(), n.nodeId(), "next");
            }
            previous = n;
        }
        int expected = nodes + nodes - 1;
        List<GraphChange> received = Collections.synchronizedList(new ArrayList<>());
        ExecutorService consumers = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                done.add(CompletableFuture.runAsync(() -> {
                    long deadline = System.nanoTime() + PATIENCE.toNanos();
                    while (received.size() < expected && System.nanoTime() < deadline) {
                        engine.provenanceFeed().receive(7, Duration.ofMillis(100), changes -> changes.stream()
                                .filter(x -> x.tenantId().equals(tenant)).forEach(received::add));
                    }
                }, consumers));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            consumers.shutdownNow();
        }
        assertThat(received).hasSize(expected).doesNotHaveDuplicates();
        assertThat(leftOver(tenant)).isEmpty();
    }

    @Test
    void badArgumentsAreRefused() {
        ProvenanceFeed feed = engine.provenanceFeed();
        assertThatThrownBy(() -> feed.receive(0, Duration.ZERO, c -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> feed.receive(ProvenanceFeed.MAX_BATCH + 1, Duration.ZERO, c -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> feed.receive(10, Duration.ofMillis(-1), c -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> feed.receive(10, Duration.ofMinutes(2), c -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> feed.receive(10, Duration.ZERO, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
