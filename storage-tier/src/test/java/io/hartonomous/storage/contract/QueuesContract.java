package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;
import io.hartonomous.storage.contract.operations.DeadLetter;
import io.hartonomous.storage.contract.operations.DeadLetters;
import io.hartonomous.storage.contract.operations.QueueMessage;
import io.hartonomous.storage.contract.operations.QueueStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Delivery counts and dead letters: a message that keeps failing is dead-lettered after its allowed deliveries and
 * the queue keeps flowing; on the provenance feed a poison change is isolated from its batch and dead-lettered alone;
 * retry and discard; the queue figures. The feed is engine-wide, so the feed tests look only at a fresh tenant.
 */
public abstract class QueuesContract extends StorageContractSuite {
    private static final Duration LEASE = Duration.ofMinutes(5);

    private static String newQueue() {
        return "q-" + UUID.randomUUID();
    }

    private QueueStats stats(String queue) {
        return engine.deadLetters().queues().stream().filter(s -> s.queue().equals(queue)).findFirst().orElseThrow();
    }

    @Test
    void aPoisonMessageIsDeadLetteredAfterItsDeliveriesAndTheQueueKeepsFlowing() {
        String queue = newQueue();
        DeadLetters dead = engine.deadLetters();
        assertThat(dead.maxDeliveries(queue)).isEqualTo(DeadLetters.DEFAULT_MAX_DELIVERIES);
        dead.setMaxDeliveries(queue, 3);
        assertThat(dead.maxDeliveries(queue)).isEqualTo(3);
        engine.queue().enqueue(queue, "poison");
        engine.queue().enqueue(queue, "good 1");
        engine.queue().enqueue(queue, "good 2");

        for (int attempt = 1; attempt <= 3; attempt++) {
            QueueMessage m = engine.queue().receive(queue, 1, LEASE).getFirst();
            assertThat(m.body()).isEqualTo("poison");
            assertThat(m.deliveryCount()).isEqualTo(attempt);
            assertThat(engine.queue().abandon(m, "cannot parse attempt " + attempt)).isTrue();
        }
        List<QueueMessage> rest = engine.queue().receive(queue, 10, LEASE);
        assertThat(rest).extracting(QueueMessage::body).containsExactly("good 1", "good 2");
        assertThat(stats(queue)).isEqualTo(new QueueStats(queue, 2, stats(queue).oldestAgeSeconds(), 1));
        rest.forEach(m -> assertThat(engine.queue().complete(m)).isTrue());

        List<DeadLetter> letters = dead.list(queue, 10);
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.getFirst();
        assertThat(letter.queue()).isEqualTo(queue);
        assertThat(letter.body()).isEqualTo("poison");
        assertThat(letter.error()).isEqualTo("cannot parse attempt 3");
        assertThat(letter.deliveries()).isEqualTo(3);
        assertThat(letter.firstSeen()).isBeforeOrEqualTo(letter.deadLetteredAt());
        assertThat(dead.find(letter.id())).contains(letter);
        assertThat(dead.list(null, 1000)).contains(letter);

        assertThat(dead.retry(letter.id())).isTrue();
        assertThat(dead.find(letter.id())).isEmpty();
        QueueMessage back = engine.queue().receive(queue, 10, LEASE).getFirst();
        assertThat(back.body()).isEqualTo("poison");
        assertThat(back.deliveryCount()).as("the count starts again").isEqualTo(1);
        assertThat(engine.queue().abandon(back)).isTrue();
        assertThat(stats(queue).deadLetters()).isZero();
        assertThat(stats(queue).depth()).isEqualTo(1);
        assertThat(dead.retry(letter.id())).as("gone").isFalse();
        assertThat(dead.discard(letter.id())).isFalse();
    }

    @Test
    void aMessageWhoseLeaseKeepsRunningOutIsDeadLetteredAndDiscardDeletesIt() throws Exception {
        String queue = newQueue();
        engine.deadLetters().setMaxDeliveries(queue, 2);
        engine.queue().enqueue(queue, "hangs");
        engine.queue().enqueue(queue, "fine");
        for (int i = 0; i < 2; i++) {
            assertThat(engine.queue().receive(queue, 1, Duration.ofMillis(30)).getFirst().body()).isEqualTo("hangs");
            Thread.sleep(80);
        }
        List<QueueMessage> next = engine.queue().receive(queue, 10, LEASE);
        assertThat(next).extracting(QueueMessage::body).containsExactly("fine");
        DeadLetter letter = engine.deadLetters().list(queue, 10).getFirst();
        assertThat(letter.error()).contains("lease ran out");
        assertThat(letter.deliveries()).isEqualTo(2);
        assertThat(engine.deadLetters().discard(letter.id())).isTrue();
        assertThat(engine.deadLetters().list(queue, 10)).isEmpty();
        assertThat(engine.deadLetters().retry(letter.id())).isFalse();
    }

    @Test
    void theProvenanceFeedIsAlwaysListedAndBadArgumentsAreRefused() {
        assertThat(engine.deadLetters().queues()).extracting(QueueStats::queue)
                .contains(DeadLetters.PROVENANCE_QUEUE);
        assertThatThrownBy(() -> engine.deadLetters().list(null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.deadLetters().setMaxDeliveries("q", 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.deadLetters().maxDeliveries(""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void drainFeed() {
        while (engine.provenanceFeed().receive(ProvenanceFeed.MAX_BATCH, Duration.ZERO, changes -> { }) > 0) {
            // earlier tests' changes are of no interest
        }
    }

    private static boolean isNode(GraphChange c, long nodeId) {
        return c instanceof GraphChange.NodeUpserted n && n.nodeId() == nodeId;
    }

    @Test
    void aPoisonChangeIsIsolatedFromItsBatchAndDeadLetteredWhileTheOthersGoThrough() {
        drainFeed();
        engine.deadLetters().setMaxDeliveries(DeadLetters.PROVENANCE_QUEUE, 3);
        try {
            String tenant = newTenant();
            ProvenanceGraph g = engine.forTenant(tenant).graph();
            GraphNode a = g.node(NodeKind.FILE, 1, "a");
            GraphNode poison = g.node(NodeKind.FILE, 2, "refused");
            GraphNode c = g.node(NodeKind.FILE, 3, "c");
            List<GraphChange> applied = new ArrayList<>();
            List<Integer> batchSizes = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && (applied.size() < 2 || engine.deadLetters()
                    .list(DeadLetters.PROVENANCE_QUEUE, 1000).stream().noneMatch(l -> l.body().contains("\"refused\"")))) {
                try {
                    engine.provenanceFeed().receive(100, Duration.ofMillis(100), changes -> {
                        batchSizes.add(changes.size());
                        if (changes.stream().anyMatch(x -> isNode(x, poison.nodeId()))) {
                            throw new IllegalStateException("the writer refuses node " + poison.nodeId());
                        }
                        changes.stream().filter(x -> x.tenantId().equals(tenant)).forEach(applied::add);
                    });
                } catch (IllegalStateException expected) {
                    assertThat(expected).hasMessageContaining("refuses");
                }
            }
            assertThat(applied).as("the good changes went through")
                    .anyMatch(x -> isNode(x, a.nodeId())).anyMatch(x -> isNode(x, c.nodeId()))
                    .noneMatch(x -> isNode(x, poison.nodeId()));
            assertThat(batchSizes).as("after the first failure the suspects come alone").contains(1);
            DeadLetter letter = engine.deadLetters().list(DeadLetters.PROVENANCE_QUEUE, 1000).stream()
                    .filter(l -> l.body().contains("\"refused\"")).findFirst().orElseThrow();
            assertThat(letter.deliveries()).isEqualTo(3);
            assertThat(letter.error()).contains("the writer refuses node " + poison.nodeId());
            assertThat(stats(DeadLetters.PROVENANCE_QUEUE).deadLetters()).isPositive();

            // Retried, it comes again with the time it had; once applied it is gone.
            assertThat(engine.deadLetters().retry(letter.id())).isTrue();
            List<GraphChange> again = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (again.isEmpty() && System.nanoTime() < until) {
                engine.provenanceFeed().receive(100, Duration.ofMillis(200), changes -> changes.stream()
                        .filter(x -> isNode(x, poison.nodeId())).forEach(again::add));
            }
            assertThat(again).hasSize(1);
            GraphChange.NodeUpserted node = (GraphChange.NodeUpserted) again.getFirst();
            assertThat(node.label()).isEqualTo("refused");
            assertThat(node.tenantId()).isEqualTo(tenant);
            assertThat(engine.deadLetters().find(letter.id())).isEmpty();
        } finally {
            engine.deadLetters().setMaxDeliveries(DeadLetters.PROVENANCE_QUEUE, DeadLetters.DEFAULT_MAX_DELIVERIES);
        }
    }

    @Test
    void anUnavailableConsumerChargesNothing() {
        drainFeed();
        String tenant = newTenant();
        GraphNode n = engine.forTenant(tenant).graph().node(NodeKind.MODEL, 7, "m");
        for (int i = 0; i < DeadLetters.DEFAULT_MAX_DELIVERIES + 2; i++) {
            assertThatThrownBy(() -> engine.provenanceFeed().receive(100, Duration.ofMillis(200), changes -> {
                throw new ProvenanceFeed.Unavailable("cold tier down", null);
            })).isInstanceOf(ProvenanceFeed.Unavailable.class);
        }
        List<GraphChange> got = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (got.isEmpty() && System.nanoTime() < until) {
            engine.provenanceFeed().receive(100, Duration.ofMillis(200), changes -> changes.stream()
                    .filter(x -> isNode(x, n.nodeId())).forEach(got::add));
        }
        assertThat(got).as("still in the feed, not dead-lettered").hasSize(1);
        assertThat(engine.deadLetters().list(DeadLetters.PROVENANCE_QUEUE, 1000))
                .noneMatch(l -> l.body().contains("\"tenantId\":\"" + tenant + "\""));
    }
}
