package io.hartonomous.api.provenance;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.hartonomous.api.testing.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/**
 * Lineage over the provenance graph as the ingest pipeline records it: file → embedding (embedded-as), file → model
 * (atomized-as), and a file derived from another (derived-from, child → source).
 */
@QuarkusTest
class LineageTest {
    @Inject
    StorageEngine engine;

    @Test
    void lineageWalksDownstreamUpstreamAndBothWithinTheDepth() throws Exception {
        String tenant = Api.newTenant("lineage");
        String key = Api.keyFor(tenant, "query");
        Seed seed = new Seed(engine);
        long source = seed.image(tenant, TestData.file("images/pngsuite/basic/basn0g08.png"));
        long derived = seed.image(tenant, TestData.file("images/pngsuite/basic/basn2c08.png"));
        Model model = seed.model(tenant, "m", List.of(new Seed.Tensor("w", List.of(1L), "F32", "f32",
                new byte[][] {Seed.f32(1f)})));
        TenantStorage t = engine.forTenant(tenant);
        GraphNode sourceFile = t.graph().node(NodeKind.FILE, source, "basn0g08.png");
        GraphNode derivedFile = t.graph().node(NodeKind.FILE, derived, "basn2c08.png");
        GraphNode embedding = t.graph().node(NodeKind.EMBEDDING, source, "image-stats");
        GraphNode modelNode = t.graph().node(NodeKind.MODEL, model.modelId(), "m");
        t.graph().edge(sourceFile.nodeId(), embedding.nodeId(), "embedded-as");
        t.graph().edge(derivedFile.nodeId(), sourceFile.nodeId(), "derived-from");
        t.graph().edge(derivedFile.nodeId(), modelNode.nodeId(), "atomized-as");

        as(key).queryParam("direction", "downstream").when().get("/api/provenance/atoms/" + source + "/lineage")
                .then().statusCode(200)
                .body("kind", equalTo("file"), "recorded", equalTo(true), "depth", equalTo(3),
                        "steps.node.kind", contains("embedding"), "steps[0].relation", equalTo("embedded-as"));

        as(key).queryParam("direction", "downstream").queryParam("depth", 2)
                .when().get("/api/provenance/atoms/" + derived + "/lineage")
                .then().statusCode(200)
                .body("steps.node.kind", contains("file", "model", "embedding"),
                        "steps.depth", contains(1, 1, 2),
                        "steps.relation", contains("derived-from", "atomized-as", "embedded-as"));
        as(key).queryParam("direction", "downstream").queryParam("depth", 1)
                .when().get("/api/provenance/atoms/" + derived + "/lineage")
                .then().body("steps.node.kind", containsInAnyOrder("file", "model"));

        as(key).queryParam("direction", "upstream").when().get("/api/provenance/atoms/" + source + "/lineage")
                .then().statusCode(200)
                .body("steps.node.refId", contains((int) derived), "steps[0].node.label", equalTo("basn2c08.png"));
        as(key).when().get("/api/provenance/atoms/" + source + "/lineage")
                .then().statusCode(200).body("direction", equalTo("both"),
                        // each direction is walked on its own: the derived file's model is a sibling, not lineage
                        "steps.node.kind", containsInAnyOrder("embedding", "file"));

        // A visible atom without recorded provenance: an empty walk, not an error.
        long leaf = ((Number) as(key).when().get("/api/atoms/" + source + "/compositions?limit=1")
                .then().extract().path("items[0].componentAtomId")).longValue();
        as(key).when().get("/api/provenance/atoms/" + leaf + "/lineage")
                .then().statusCode(200).body("kind", equalTo("atom"), "recorded", equalTo(false), "steps", empty());
    }
}
