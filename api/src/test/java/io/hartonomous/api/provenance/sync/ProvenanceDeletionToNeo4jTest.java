package io.hartonomous.api.provenance.sync;

import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.deletion.DeletionState;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.GraphEdge;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deletions reach Neo4j (neo4j-harness): a file deleted in the hot graph loses its nodes and relationships in the
 * cold tier, and a late or repeated creation of a removed id cannot bring it back, in whatever order the changes
 * arrive.
 */
class ProvenanceDeletionToNeo4jTest {
    private static Neo4j neo4j;
    private static Driver driver;

    @TempDir
    Path dir;
    private StorageEngine engine;

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
        engine.close();
    }

    private static long count(String cypher, Map<String, Object> parameters) {
        return driver.executableQuery(cypher).withParameters(parameters).execute().records().getFirst().get(0)
                .asLong();
    }

    private static long nodes(long nodeId) {
        return count("MATCH (n:ProvenanceNode {nodeId: $id}) RETURN count(n)", Map.of("id", nodeId));
    }

    /** Everything in the feed, written by the writer, as the API's consumer does. */
    private List<GraphChange> sync(Neo4jProvenanceWriter writer) {
        List<GraphChange> all = new ArrayList<>();
        while (engine.provenanceFeed().receive(500, Duration.ofMillis(100), changes -> {
            writer.apply(changes);
            all.addAll(changes);
        }) > 0) {
            // until the feed is empty
        }
        return all;
    }

    @Test
    void aDeletedFileLeavesNeo4jAndAnOldCreationDoesNotBringItBack() throws Exception {
        Neo4jProvenanceWriter writer = new Neo4jProvenanceWriter(driver, null);
        TenantStorage t = engine.forTenant("acme");
        // Two real PNGs sharing colours: basn0g02's four greys include basn0g01's black and white.
        Seed seed = new Seed(engine);
        long fileA = seed.image("acme", TestData.file("images/pngsuite/basic/basn0g02.png"));
        long fileB = seed.image("acme", TestData.file("images/pngsuite/basic/basn0g01.png"));
        GraphNode nodeA = t.graph().node(NodeKind.FILE, fileA, "a.png");
        GraphNode embeddingA = t.graph().node(NodeKind.EMBEDDING, fileA, "image-stats");
        GraphEdge embedded = t.graph().edge(nodeA.nodeId(), embeddingA.nodeId(), "embedded-as");
        GraphNode nodeB = t.graph().node(NodeKind.FILE, fileB, "b.png");
        t.graph().edge(nodeB.nodeId(), nodeA.nodeId(), "derived-from");
        List<GraphChange> creations = sync(writer);
        assertThat(count("MATCH (n:ProvenanceNode) RETURN count(n)", Map.of())).isEqualTo(3);
        assertThat(count("MATCH ()-[r]->() RETURN count(r)", Map.of())).isEqualTo(2);

        var job = engine.deletions().request("acme", fileA, false);
        assertThat(engine.deletions().runToEnd(job.jobId(), 2).state()).isEqualTo(DeletionState.COMPLETED);
        List<GraphChange> removals = sync(writer);
        assertThat(removals).hasSize(4).allSatisfy(c -> assertThat(c)
                .isInstanceOfAny(GraphChange.NodeRemoved.class, GraphChange.EdgeRemoved.class));
        assertThat(nodes(nodeA.nodeId())).as("the file's node").isZero();
        assertThat(nodes(embeddingA.nodeId())).as("its embedding's node").isZero();
        assertThat(nodes(nodeB.nodeId())).as("the other file stays").isEqualTo(1);
        assertThat(count("MATCH ()-[r]->() RETURN count(r)", Map.of())).isZero();

        // The creations delivered again, late (at least once), in one batch and one at a time.
        writer.apply(creations);
        creations.forEach(c -> writer.apply(List.of(c)));
        assertThat(nodes(nodeA.nodeId())).isZero();
        assertThat(nodes(embeddingA.nodeId())).isZero();
        assertThat(count("MATCH ()-[r]->() RETURN count(r)", Map.of())).isZero();
        assertThat(count("MATCH (n:ProvenanceNode) RETURN count(n)", Map.of())).isEqualTo(1);
        assertThat(count("MATCH (t:ProvenanceTombstone) WHERE t.nodeId IS NOT NULL RETURN count(t)", Map.of()))
                .isEqualTo(2);
        assertThat(count("MATCH (t:ProvenanceTombstone {edgeId: $id}) RETURN count(t)",
                Map.of("id", embedded.edgeId()))).isEqualTo(1);
        // And the removals again: harmless.
        writer.apply(removals);
        assertThat(count("MATCH (t:ProvenanceTombstone) RETURN count(t)", Map.of())).isEqualTo(4);
    }

    @Test
    void anyOrderOfCreationAndRemovalConvergesOnRemoved() {
        Neo4jProvenanceWriter writer = new Neo4jProvenanceWriter(driver, null);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        var file = new GraphChange.NodeUpserted("acme", 11, NodeKind.FILE, 100, "a.png", t0);
        var other = new GraphChange.NodeUpserted("acme", 12, NodeKind.FILE, 101, "b.png", t0);
        var edge = new GraphChange.EdgeCreated("acme", 21, 12, 11, "derived-from", t0);
        var fileGone = new GraphChange.NodeRemoved("acme", 11, t0.plusSeconds(1));
        var edgeGone = new GraphChange.EdgeRemoved("acme", 21, t0.plusSeconds(1));

        // The removal overtakes everything.
        writer.apply(List.of(fileGone, edgeGone));
        writer.apply(List.of(edge));
        writer.apply(List.of(other, file));
        assertThat(nodes(11)).isZero();
        assertThat(nodes(12)).as("a bare endpoint is not created for a removed edge").isEqualTo(1);
        assertThat(count("MATCH ()-[r]->() RETURN count(r)", Map.of())).isZero();

        // Creations and removals in one batch, removals listed last.
        writer.apply(List.of(new GraphChange.NodeUpserted("acme", 31, NodeKind.FILE, 300, "c.png", t0),
                new GraphChange.EdgeCreated("acme", 41, 12, 31, "derived-from", t0),
                new GraphChange.NodeRemoved("acme", 31, t0.plusSeconds(2)),
                new GraphChange.EdgeRemoved("acme", 41, t0.plusSeconds(2))));
        assertThat(nodes(31)).isZero();
        assertThat(count("MATCH ()-[r]->() RETURN count(r)", Map.of())).isZero();

        // An edge created first, removed later on its own (its nodes stay).
        writer.apply(List.of(new GraphChange.NodeUpserted("acme", 51, NodeKind.FILE, 500, "d.png", t0),
                new GraphChange.EdgeCreated("acme", 61, 12, 51, "derived-from", t0)));
        assertThat(count("MATCH ()-[r {edgeId: 61}]->() RETURN count(r)", Map.of())).isEqualTo(1);
        writer.apply(List.of(new GraphChange.EdgeRemoved("acme", 61, t0.plusSeconds(3))));
        assertThat(count("MATCH ()-[r]->() RETURN count(r)", Map.of())).isZero();
        assertThat(nodes(51)).isEqualTo(1);
    }
}
