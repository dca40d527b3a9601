package io.hartonomous.api.provenance.sync;

import io.hartonomous.api.testing.Api;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * The API wired end to end with a real Neo4j (neo4j-harness, {@link Neo4jHarnessResource}): graph changes written
 * to the storage tier through the contract travel the SmallRye channel {@value ProvenanceSync#CHANNEL} (connector
 * {@value ProvenanceConnector#NAME}) to the consumer, which writes them to Neo4j; the readiness check and the metrics
 * report it.
 */
@QuarkusTest
@TestProfile(ProvenanceSyncQuarkusTest.WithNeo4j.class)
class ProvenanceSyncQuarkusTest {
    public static final class WithNeo4j implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Neo4jHarnessResource.class));
        }
    }

    @Inject
    StorageEngine engine;

    @Inject
    ProvenanceSync sync;

    @ConfigProperty(name = "hart.neo4j.uri")
    String boltUri;

    private static void eventually(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void graphChangesReachNeo4jThroughTheChannel() throws Exception {
        assertThat(sync.active()).isTrue();
        String tenant = Api.newTenant("sync");
        ProvenanceGraph g = engine.forTenant(tenant).graph();
        GraphNode file = g.node(NodeKind.FILE, 1, "tiny.gguf");
        GraphNode model = g.node(NodeKind.MODEL, 2, "tiny");
        GraphNode tensor = g.node(NodeKind.TENSOR, 3, "blk.0.attn_q.weight");
        g.edge(file.nodeId(), model.nodeId(), "atomized-as");
        g.edge(model.nodeId(), tensor.nodeId(), "has-tensor");

        try (Driver neo4j = GraphDatabase.driver(boltUri, AuthTokens.none())) {
            String path = "MATCH (f:File {tenantId: $tenant})-[:ATOMIZED_AS]->(m:Model)-[:HAS_TENSOR]->(t:Tensor) "
                    + "RETURN f.label AS file, m.label AS model, t.label AS tensor, t.refId AS refId";
            eventually("the path file -> model -> tensor in Neo4j", () -> !neo4j.executableQuery(path)
                    .withParameters(Map.of("tenant", tenant)).execute().records().isEmpty());
            Record r = neo4j.executableQuery(path).withParameters(Map.of("tenant", tenant)).execute().records()
                    .getFirst();
            assertThat(r.get("file").asString()).isEqualTo("tiny.gguf");
            assertThat(r.get("model").asString()).isEqualTo("tiny");
            assertThat(r.get("tensor").asString()).isEqualTo("blk.0.attn_q.weight");
            assertThat(r.get("refId").asLong()).isEqualTo(3);
            assertThat(neo4j.executableQuery("MATCH (n:ProvenanceNode {tenantId: $tenant}) RETURN count(n) AS n")
                    .withParameters(Map.of("tenant", tenant)).execute().records().getFirst().get("n").asLong())
                    .isEqualTo(3);
        }

        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"), "checks.name", hasItem("neo4j"),
                        "checks.find { it.name == 'neo4j' }.status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern("(?s).*hart_provenance_sync_changes_total\\{outcome=\"synced\"} [1-9].*"))
                .body(matchesPattern("(?s).*hart_provenance_sync_changes_total\\{outcome=\"failed\"} 0\\.0.*"));
    }
}
