package io.hartonomous.api.provenance.sync;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

import java.util.Map;

/**
 * A real in-process Neo4j (neo4j-harness, Bolt only, no authentication) for a Quarkus test: the API under test is
 * pointed at it with {@code hart.neo4j.uri}, and the provenance channel is made quick to notice changes.
 */
public final class Neo4jHarnessResource implements QuarkusTestResourceLifecycleManager {
    private Neo4j neo4j;

    @Override
    public Map<String, String> start() {
        neo4j = Neo4jBuilders.newInProcessBuilder().withDisabledServer().build();
        return Map.of("hart.neo4j.uri", neo4j.boltURI().toString(),
                "mp.messaging.incoming.provenance-changes.receive-wait", "200ms",
                "mp.messaging.incoming.provenance-changes.initial-backoff", "100ms",
                "mp.messaging.incoming.provenance-changes.max-backoff", "1s");
    }

    @Override
    public void stop() {
        if (neo4j != null) {
            neo4j.close();
        }
    }
}
