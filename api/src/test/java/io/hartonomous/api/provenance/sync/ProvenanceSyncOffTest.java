package io.hartonomous.api.provenance.sync;

import io.hartonomous.api.testing.Api;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

/** Without hart.neo4j.uri (the default test profile) the API runs, has no Neo4j check, and takes nothing off the feed. */
@QuarkusTest
class ProvenanceSyncOffTest {
    @Inject
    StorageEngine engine;

    @Inject
    ProvenanceSync sync;

    /** Thrown to roll a look at the feed back. */
    /** Unavailable: only looking, so the feed charges the changes nothing. */
    private static final class Peeked extends ProvenanceFeed.Unavailable {
        Peeked() {
            super("only looking", null);
        }
    }

    @Test
    void noNeo4jMeansNoConsumerAndTheChangesWait() throws Exception {
        assertThat(sync.active()).isFalse();
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"), "checks.name", not(hasItem("neo4j")));

        String tenant = Api.newTenant("nosync");
        engine.forTenant(tenant).graph().node(NodeKind.FILE, 1, "waiting.png");
        Thread.sleep(500);
        List<GraphChange> seen = new ArrayList<>();
        try {
            engine.provenanceFeed().receive(1000, Duration.ZERO, changes -> {
                seen.addAll(changes);
                throw new Peeked();
            });
        } catch (Peeked rolledBack) {
            // only looking
        }
        assertThat(seen).as("still in the storage tier's queue").anySatisfy(c -> assertThat(c.tenantId())
                .isEqualTo(tenant));
    }
}
