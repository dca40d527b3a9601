package io.hartonomous.api.provenance.sync;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.messaging.FeedPump;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provenance sync end to end without Quarkus: a real in-process Neo4j (neo4j-harness, started once for the
 * class), the embedded storage engine written through the contract as an ingest does, the {@link FeedPump} over its
 * feed and {@link Neo4jProvenanceWriter} as the consumer, acknowledging what it wrote and nacking what failed, exactly
 * as the API wires them through SmallRye (see {@code ProvenanceSyncQuarkusTest} for that wiring).
 */
class ProvenanceSyncToNeo4jTest {
    private static final FeedPump.Settings FAST = new FeedPump.Settings(50, Duration.ofMillis(100),
            Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(200));

    private static Neo4j neo4j;
    private static Driver driver;

    @TempDir
    Path dir;
    private StorageEngine engine;
    private final List<FeedPump> pumps = new ArrayList<>();

    @BeforeAll
    static void startNeo4j() {
        neo4j = Neo4jBuilders.newInProcessBuilder().withDisabledServer().build();
        driver = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.none());
    }

    @AfterAll
    static void stopNeo4j() {
        driver.close();
        neo4j.close();
    }

    @BeforeEach
    void open() {
        engine = StorageEngines.open(LocalStorage.embeddedFile(dir));
        driver.executableQuery("MATCH (n) DETACH DELETE n").execute();
    }

    @AfterEach
    void close() {
        pumps.forEach(FeedPump::close);
        engine.close();
    }

    /** A consumer as the API runs it: write the batch, ack on success, nack on failure. */
    private FeedPump consumer(Consumer<List<GraphChange>> write) {
        FeedPump pump = new FeedPump(engine.provenanceFeed(), FAST, batch -> Thread.ofVirtual().start(() -> {
            try {
                write.accept(batch.changes());
                batch.ack();
            } catch (RuntimeException e) {
                batch.nack(e);
            }
        }), "test-sync-" + pumps.size());
        pumps.add(pump);
        return pump.start();
    }

    private static long count(String cypher) {
        return driver.executableQuery(cypher).execute().records().getFirst().get(0).asLong();
    }

    private static List<Record> rows(String cypher, Map<String, Object> parameters) {
        return driver.executableQuery(cypher).withParameters(parameters).execute().records();
    }

    private static void eventually(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * Nothing left in the feed (a look that rolls back whatever it sees, so consumers still get it; as Unavailable,
     * so the look charges the changes no failed delivery).
     */
    private boolean feedIsEmpty() {
        try {
            return engine.provenanceFeed().receive(1000, Duration.ZERO, changes -> {
                throw new ProvenanceFeed.Unavailable("only looking", null);
            }) == 0;
        } catch (ProvenanceFeed.Unavailable stillThere) {
            return false;
        }
    }

    /** An ingest of a model file and of an image derived from another, as IngestPipeline records them. */
    private record Ingested(GraphNode modelFile, GraphNode model, GraphNode image, GraphNode source,
                            GraphNode embedding) {
    }

    private Ingested ingest(String tenant, long base) {
        ProvenanceGraph g = engine.forTenant(tenant).graph();
        GraphNode modelFile = g.node(NodeKind.FILE, base, "tiny.gguf");
        GraphNode model = g.node(NodeKind.MODEL, base + 1, "tiny");
        g.edge(modelFile.nodeId(), model.nodeId(), "atomized-as");
        GraphNode source = g.node(NodeKind.FILE, base + 2, "basn0g08.png");
        GraphNode image = g.node(NodeKind.FILE, base + 3, "basn2c08.png");
        g.edge(image.nodeId(), source.nodeId(), "derived-from");
        GraphNode embedding = g.node(NodeKind.EMBEDDING, base + 3, "image-stats");
        g.edge(image.nodeId(), embedding.nodeId(), "embedded-as");
        return new Ingested(modelFile, model, image, source, embedding);
    }

    @Test
    void graphWrittenThroughTheContractAppearsInNeo4j() throws Exception {
        Neo4jProvenanceWriter writer = new Neo4jProvenanceWriter(driver, null);
        Ingested acme = ingest("acme", 100);
        Ingested globex = ingest("globex", 100);
        consumer(writer::apply);

        eventually("all ten nodes and six relationships synced", () ->
                count("MATCH (n:ProvenanceNode) RETURN count(n)") == 10
                        && count("MATCH ()-[r]->() RETURN count(r)") == 6 && feedIsEmpty());

        List<Record> model = rows("MATCH (f:ProvenanceNode:File {nodeId: $file})-[r:ATOMIZED_AS]->(m:Model) "
                + "RETURN f.tenantId AS tenant, f.refId AS refId, f.label AS label, m.label AS model, "
                + "r.relation AS relation, r.edgeId AS edgeId", Map.of("file", acme.modelFile().nodeId()));
        assertThat(model).singleElement().satisfies(r -> {
            assertThat(r.get("tenant").asString()).isEqualTo("acme");
            assertThat(r.get("refId").asLong()).isEqualTo(100);
            assertThat(r.get("label").asString()).isEqualTo("tiny.gguf");
            assertThat(r.get("model").asString()).isEqualTo("tiny");
            assertThat(r.get("relation").asString()).isEqualTo("atomized-as");
        });
        // Lineage in Neo4j: what the derived image came from and was embedded as.
        List<Record> lineage = rows("MATCH (i:ProvenanceNode {nodeId: $image})-[r]->(x) "
                + "RETURN type(r) AS type, x.kind AS kind, x.label AS label ORDER BY type", Map.of("image",
                globex.image().nodeId()));
        assertThat(lineage).extracting(r -> r.get("type").asString() + " " + r.get("kind").asString() + " "
                + r.get("label").asString()).containsExactly("DERIVED_FROM FILE basn0g08.png",
                "EMBEDDED_AS EMBEDDING image-stats");
        assertThat(count("MATCH (n:ProvenanceNode {tenantId: 'globex'}) RETURN count(n)")).isEqualTo(5);

        // A rename in the hot graph reaches Neo4j too.
        engine.forTenant("acme").graph().node(NodeKind.FILE, 100, "renamed.gguf");
        eventually("the new label", () -> rows("MATCH (n:ProvenanceNode {nodeId: $id}) RETURN n.label AS label",
                Map.of("id", acme.modelFile().nodeId())).getFirst().get("label").asString().equals("renamed.gguf"));
        assertThat(count("MATCH (n:ProvenanceNode) RETURN count(n)")).isEqualTo(10);
    }

    @Test
    void aBatchRedeliveredAfterAFailureIsNotWrittenTwice() throws Exception {
        Neo4jProvenanceWriter writer = new Neo4jProvenanceWriter(driver, null);
        ingest("acme", 1);
        AtomicInteger attempts = new AtomicInteger();
        List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        consumer(changes -> {
            writer.apply(changes);
            batchSizes.add(changes.size());
            // Written to Neo4j, then the consumer fails before acknowledging: the batch comes again.
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("crashed after writing");
            }
        });
        eventually("redelivered and acknowledged", () -> batchSizes.size() >= 9 && feedIsEmpty());
        assertThat(batchSizes.get(0)).as("the whole ingest in one batch").isEqualTo(8);
        assertThat(batchSizes.subList(1, batchSizes.size())).as("then again, each change alone (suspects)")
                .hasSize(8).containsOnly(1);
        assertThat(count("MATCH (n:ProvenanceNode) RETURN count(n)")).isEqualTo(5);
        assertThat(count("MATCH ()-[r]->() RETURN count(r)")).isEqualTo(3);
        assertThat(count("MATCH (n:ProvenanceNode) WITH n.nodeId AS id, count(*) AS c WHERE c > 1 RETURN count(id)"))
                .isZero();
    }

    @Test
    void twoConsumersShareTheWorkWithoutWritingAnythingTwice() throws Exception {
        int files = 60;
        ProvenanceGraph g = engine.forTenant("acme").graph();
        GraphNode previous = null;
        for (int i = 0; i < files; i++) {
            GraphNode n = g.node(NodeKind.FILE, i, "f" + i + ".png");
            if (previous != null) {
                g.edge(n.nodeId(), previous.nodeId(), "derived-from");
            }
            previous = n;
        }
        int changes = files + files - 1;
        AtomicInteger applied = new AtomicInteger();
        List<AtomicInteger> perConsumer = List.of(new AtomicInteger(), new AtomicInteger());
        for (AtomicInteger mine : perConsumer) {
            Neo4jProvenanceWriter writer = new Neo4jProvenanceWriter(driver, null);
            consumer(batch -> {
                writer.apply(batch);
                applied.addAndGet(batch.size());
                mine.addAndGet(batch.size());
            });
        }
        // More changes while both consume.
        for (int i = files; i < files + 20; i++) {
            g.node(NodeKind.ATOM, i, "a" + i);
        }
        eventually("everything synced", () -> applied.get() >= changes + 20 && feedIsEmpty());
        assertThat(applied.get()).as("each change applied once, by one consumer").isEqualTo(changes + 20);
        assertThat(count("MATCH (n:ProvenanceNode) RETURN count(n)")).isEqualTo(files + 20);
        assertThat(count("MATCH ()-[r:DERIVED_FROM]->() RETURN count(r)")).isEqualTo(files - 1);
        assertThat(count("MATCH ()-[r]->() WITH r.edgeId AS id, count(*) AS c WHERE c > 1 RETURN count(id)")).isZero();
    }

    @Test
    void changesApplyInAnyOrderAndAnOldLabelNeverWins() {
        Neo4jProvenanceWriter writer = new Neo4jProvenanceWriter(driver, null);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        GraphChange.NodeUpserted a = new GraphChange.NodeUpserted("acme", 1, NodeKind.FILE, 10, "a.png", t0);
        GraphChange.NodeUpserted renamed = new GraphChange.NodeUpserted("acme", 1, NodeKind.FILE, 10, "b.png",
                t0.plusSeconds(5));
        GraphChange.NodeUpserted model = new GraphChange.NodeUpserted("acme", 2, NodeKind.MODEL, 20, "m", t0);
        GraphChange.EdgeCreated edge = new GraphChange.EdgeCreated("acme", 7, 1, 2, "atomized-as", t0.plusSeconds(1));

        writer.apply(List.of(edge));
        assertThat(count("MATCH (n:ProvenanceNode) WHERE n.kind IS NULL RETURN count(n)")).as("bare endpoints")
                .isEqualTo(2);
        writer.apply(List.of(renamed, model));
        writer.apply(List.of(a, edge));
        writer.apply(List.of(renamed, a));
        assertThat(rows("MATCH (n:File {nodeId: 1})-[r:ATOMIZED_AS {edgeId: 7}]->(m:Model {nodeId: 2}) "
                + "RETURN n.label AS label, n.refId AS refId, m.label AS model", Map.of()))
                .singleElement().satisfies(r -> {
                    assertThat(r.get("label").asString()).isEqualTo("b.png");
                    assertThat(r.get("refId").asLong()).isEqualTo(10);
                    assertThat(r.get("model").asString()).isEqualTo("m");
                });
        assertThat(count("MATCH (n:ProvenanceNode) RETURN count(n)")).isEqualTo(2);
        assertThat(count("MATCH ()-[r]->() RETURN count(r)")).isEqualTo(1);
        assertThat(Neo4jProvenanceWriter.relationshipType("derived-from")).isEqualTo("DERIVED_FROM");
        assertThat(Neo4jProvenanceWriter.relationshipType("has tensor/2")).isEqualTo("HAS_TENSOR_2");
        assertThat(Neo4jProvenanceWriter.kindLabel(NodeKind.EMBEDDING)).isEqualTo("Embedding");
    }

    @Test
    void aNeo4jThatIsDownFailsTheBatchWhichStaysInTheFeed() {
        ingest("acme", 1);
        try (Driver nowhere = GraphDatabase.driver("bolt://127.0.0.1:1", AuthTokens.none(),
                org.neo4j.driver.Config.builder().withConnectionTimeout(1, java.util.concurrent.TimeUnit.SECONDS)
                        .withMaxTransactionRetryTime(1, java.util.concurrent.TimeUnit.SECONDS).build())) {
            Neo4jProvenanceWriter writer = new Neo4jProvenanceWriter(nowhere, null);
            assertThatThrownBy(() -> engine.provenanceFeed().receive(100, Duration.ZERO, writer::apply))
                    .isInstanceOf(RuntimeException.class);
        }
        List<GraphChange> still = new ArrayList<>();
        // The failed batch's changes are suspects now: they come again one at a time.
        while (engine.provenanceFeed().receive(100, Duration.ZERO, still::addAll) > 0) {
            assertThat(still.size()).isLessThanOrEqualTo(8);
        }
        assertThat(still).hasSize(8);
    }
}
