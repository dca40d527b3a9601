package io.hartonomous.storage.engine.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run's node carries its properties through the Service Broker body as sql/074 nests them (scores as T-SQL's
 * CONVERT style 3 writes them, 17 significant digits), through a dead letter's body and back, and means what the
 * embedded engine's InferenceNodeProperties writes for the same evidence.
 */
class ProvenanceSyncBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNodesPropertiesParseRoundTripAndMatchTheEmbeddedEnginesJson() throws Exception {
        String body = "{\"change\":\"node\",\"tenantId\":\"acme\",\"nodeId\":9,\"kind\":\"INFERENCE\",\"refId\":5,"
                + "\"label\":\"reasoning.generate #5\",\"properties\":{\"parentInferenceId\":4,"
                + "\"evidenceStep\":[0,1],\"evidenceRole\":[\"candidate\",\"concept\"],\"evidenceAtom\":[11,-1],"
                + "\"evidenceConcept\":[-1,42],\"evidenceScore\":[6.9999999999999996E-1,-1.5000000000000000E-3],"
                + "\"evidenceChosen\":[true,false]},\"changedAt\":\"2026-03-01T10:15:30Z\"}";
        GraphChange.NodeUpserted n = (GraphChange.NodeUpserted) ProvenanceSyncBodies.parse(body, Instant::now);
        assertThat(n.kind()).isEqualTo(NodeKind.INFERENCE);
        assertThat(n.refId()).isEqualTo(5);
        JsonNode properties = JSON.readTree(n.propertiesJson());
        assertThat(properties.get("evidenceScore").get(0).asDouble()).isEqualTo(0.7);

        String embedded = InferenceNodeProperties.of(new NewReasoningRun("reasoning.generate", 4L, 1, List.of(),
                List.of(Evidence.atom(0, "candidate", 11, 0.7, true), new Evidence(1, "concept", null, 42L, -1.5e-3,
                        false))));
        assertThat(JSON.readTree(embedded)).as("the same JSON from either engine").isEqualTo(properties);

        GraphChange again = ProvenanceSyncBodies.parse(ProvenanceSyncBodies.body(n), Instant::now);
        assertThat(again).isInstanceOfSatisfying(GraphChange.NodeUpserted.class, a -> {
            assertThat(a.changedAt()).isEqualTo(n.changedAt());
            assertThat(a.label()).isEqualTo(n.label());
            try {
                assertThat(JSON.readTree(a.propertiesJson())).isEqualTo(properties);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aNodeWithoutPropertiesHasNoneAndPropertiesAreAnObject() {
        GraphChange plain = ProvenanceSyncBodies.parse("{\"change\":\"node\",\"tenantId\":\"acme\",\"nodeId\":7,"
                + "\"kind\":\"FILE\",\"refId\":42,\"label\":\"a.png\",\"properties\":null}", Instant::now);
        assertThat(((GraphChange.NodeUpserted) plain).propertiesJson()).isNull();
        assertThat(ProvenanceSyncBodies.body(plain)).doesNotContain("properties");
        assertThatThrownBy(() -> ProvenanceSyncBodies.parse("{\"change\":\"node\",\"tenantId\":\"acme\","
                + "\"nodeId\":7,\"kind\":\"FILE\",\"refId\":42,\"properties\":[1]}", Instant::now))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("properties");
    }
}
