package io.hartonomous.api.provenance.sync;

import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;
import io.hartonomous.storage.contract.operations.DeadLetters;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * The circuit breaker on the Neo4j writer against a real Neo4j that is not there yet: the API is pointed at a free
 * port nobody listens on, so the writes fail, the breaker opens after the threshold (in health data and the
 * metrics, readiness staying UP), the changes wait in the feed uncharged; then a neo4j-harness is started on that
 * port, the next probe after the cool-down succeeds, the breaker closes and the changes reach Neo4j.
 */
@QuarkusTest
@TestProfile(ProvenanceCircuitQuarkusTest.Neo4jNotThereYet.class)
class ProvenanceCircuitQuarkusTest {
    public static final class Neo4jNotThereYet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hart.neo4j.uri", "bolt://127.0.0.1:" + freePort(),
                    "hart.neo4j.circuit.failure-threshold", "2",
                    "hart.neo4j.circuit.cool-down", "PT1S",
                    "mp.messaging.incoming.provenance-changes.receive-wait", "200ms",
                    "mp.messaging.incoming.provenance-changes.initial-backoff", "100ms",
                    "mp.messaging.incoming.provenance-changes.max-backoff", "300ms");
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Inject
    @Writes
    StorageEngine engine;

    /** Read back from the configuration: the profile may run in another class loader than this test. */
    @ConfigProperty(name = "hart.neo4j.uri")
    URI neo4jUri;

    private static void eventually(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String circuit() {
        return given().when().get("/q/health/ready").then().statusCode(200).extract()
                .path("checks.find { it.name == 'neo4j' }.data.circuit");
    }

    @Test
    void opensWhileNeo4jIsAwayAndClosesWhenItIsBack() throws Exception {
        String tenant = "circuit-" + UUID.randomUUID().toString().substring(0, 8);
        ProvenanceGraph g = engine.forTenant(tenant).graph();
        g.edge(g.node(NodeKind.FILE, 1, "a.png").nodeId(), g.node(NodeKind.MODEL, 2, "m").nodeId(), "atomized-as");

        eventually("the breaker opens", () -> "OPEN".equals(circuit()));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"), "checks.find { it.name == 'neo4j' }.status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern("(?s).*hart_provenance_sync_circuit_state 2\\.0.*"))
                .body(matchesPattern("(?s).*hart_provenance_sync_circuit_opened_total [1-9].*"));
        // While open (and while Neo4j was unreachable) nothing was charged: the changes wait, none is dead.
        Thread.sleep(1500);
        assertThat(engine.deadLetters().list(DeadLetters.PROVENANCE_QUEUE, 1000))
                .noneMatch(l -> l.body().contains(tenant));
        assertThat(engine.deadLetters().queues()).filteredOn(q -> q.queue().equals(DeadLetters.PROVENANCE_QUEUE))
                .singleElement().satisfies(q -> assertThat(q.depth()).isPositive());

        try (Neo4j neo4j = Neo4jBuilders.newInProcessBuilder().withDisabledServer()
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", neo4jUri.getPort())).build();
             Driver driver = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.none())) {
            eventually("the breaker closes", () -> "CLOSED".equals(circuit()));
            eventually("the changes reach Neo4j", () -> driver.executableQuery(
                    "MATCH (:ProvenanceNode {tenantId: $t})-[r]->(:ProvenanceNode {tenantId: $t}) RETURN count(r) AS n")
                    .withParameters(Map.of("t", tenant)).execute().records().getFirst().get("n").asLong() == 1);
            given().when().get("/q/metrics").then().statusCode(200)
                    .body(matchesPattern("(?s).*hart_provenance_sync_circuit_state 0\\.0.*"));
        }
    }
}
