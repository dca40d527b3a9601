package io.hartonomous.api.inference;

import io.hartonomous.api.provenance.sync.Neo4jHarnessResource;
import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceReceipt;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * GET /api/inference/{id}/explain over HTTP, for a model run and a reasoning run, from the storage tier and from a
 * real Neo4j (neo4j-harness) fed by the provenance sync: both answers are the same (evidence with its scores,
 * alternatives, model and weight version, parent, children, provenance) but for the status, which only the storage
 * tier keeps, and the source.
 */
@QuarkusTest
@TestProfile(ExplainTest.WithNeo4j.class)
class ExplainTest {
    public static final class WithNeo4j implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Neo4jHarnessResource.class));
        }
    }

    /** Scores read as the doubles they are (JsonPath's default reads them as floats, hiding lost digits). */
    private static final JsonPathConfig DOUBLES = JsonPathConfig.jsonPathConfig()
            .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE);

    @Inject
    StorageEngine engine;

    private record Seeded(String tenant, String key, Model model, List<Long> weights) {
    }

    /** A model of four distinct weights: its file and weight atoms are what the runs read. */
    private Seeded seed(String prefix) {
        String tenant = Api.newTenant(prefix);
        String key = Api.keyFor(tenant, "query");
        float base = (float) Math.random() * 1000f;
        byte[][] values = {Seed.f32(base), Seed.f32(base + 1), Seed.f32(base + 2), Seed.f32(base + 3)};
        Model model = new Seed(engine).model(tenant, "m", List.of(new Seed.Tensor("w", List.of(4L), "F32", "f32",
                values)));
        TenantStorage t = engine.forTenant(tenant);
        List<Long> weights = java.util.Arrays.stream(values).map(v -> t.atoms().byHash(ContentHash.of(
                AtomType.of(Modality.MODEL, "f32"), v)).orElseThrow().atomId()).toList();
        return new Seeded(tenant, key, model, weights);
    }

    /** An answer without what only one source has: its source, and the status only the storage tier keeps. */
    private static Map<String, Object> shared(JsonPath answer) {
        Map<String, Object> all = new java.util.HashMap<>(answer.getMap(""));
        all.remove("source");
        all.remove("status");
        return all;
    }

    /** The answer from Neo4j once the sync has delivered the run's node and edges as the storage tier has them. */
    private static JsonPath fromNeo4jOnceSynced(Seeded s, long id, Map<String, Object> expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Response r = as(s.key()).queryParam("source", "neo4j").when().get("/api/inference/" + id + "/explain");
            if (r.statusCode() == 200 && expected.equals(shared(r.jsonPath(DOUBLES)))) {
                return r.jsonPath(DOUBLES);
            }
            assertThat(System.nanoTime()).as("explain from Neo4j: " + r.asString() + " expected " + expected)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void aReasoningRunIsExplainedByItsEvidenceAlternativesAndChildrenAndNeo4jAgrees() throws Exception {
        Seeded s = seed("explain");
        TenantStorage t = engine.forTenant(s.tenant());
        List<Long> w = s.weights();
        InferenceRecord run = t.inference().beginReasoning(new NewReasoningRun("reasoning.generate", null, 2,
                List.of(s.model().parentAtomId()), List.of(
                Evidence.atom(0, "candidate", w.get(0), 0.7, true),
                Evidence.atom(0, "candidate", w.get(1), 0.3, false),
                Evidence.atom(1, "candidate", w.get(2), 0.6, true),
                Evidence.atom(1, "candidate", w.get(3), 0.4, false),
                new Evidence(1, "concept", null, 987_654_321L, 0.1234567890123, false))));
        InferenceRecord child = t.inference().beginReasoning(new NewReasoningRun("reasoning.generate",
                run.inferenceId(), 1, List.of(), List.of(Evidence.atom(0, "candidate", w.get(0), 1, true))));
        t.inference().succeed(run.inferenceId(), 3, "{}", List.of());

        JsonPath storage = as(s.key()).when().get("/api/inference/" + run.inferenceId() + "/explain").then()
                .statusCode(200).extract().jsonPath(DOUBLES);
        assertThat(storage.getString("source")).isEqualTo("storage");
        assertThat(storage.getString("operation")).isEqualTo("reasoning.generate");
        assertThat(storage.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(storage.getMap("model")).as("no model").isNull();
        assertThat(storage.getList("children", Long.class)).containsExactly(child.inferenceId());
        assertThat(storage.getList("evidence.atomId", Long.class)).containsExactly(w.get(0), w.get(1), w.get(2),
                w.get(3), null);
        assertThat(storage.getList("evidence.score", Double.class)).containsExactly(0.7, 0.3, 0.6, 0.4,
                0.1234567890123);
        assertThat(storage.getList("alternatives.step", Integer.class)).containsExactly(0, 1);
        assertThat(storage.getList("alternatives[0].candidates.atomId", Long.class)).containsExactly(w.get(1));
        assertThat(storage.getList("alternatives[1].candidates.atomId", Long.class)).containsExactly(w.get(3), null);
        assertThat(storage.getList("alternatives[1].candidates.conceptId", Long.class))
                .containsExactly(null, 987_654_321L);
        Map<String, Object> provenance = storage.getMap("provenance");
        assertThat(storage.getList("provenance.read", Long.class)).containsExactlyInAnyOrder(
                s.model().parentAtomId(), w.get(0), w.get(1), w.get(2), w.get(3));
        assertThat(storage.getList("provenance.chose", Long.class)).containsExactlyInAnyOrder(w.get(0), w.get(2));
        assertThat(storage.getList("provenance.produced", Long.class)).isEmpty();

        JsonPath neo4j = fromNeo4jOnceSynced(s, run.inferenceId(), shared(storage));
        assertThat(neo4j.getString("source")).isEqualTo("neo4j");
        assertThat(neo4j.getString("operation")).isEqualTo("reasoning.generate");
        assertThat(neo4j.getMap("provenance")).isEqualTo(provenance);
        // The scores themselves, from Cypher, and the alternatives of each step with them.
        assertThat(neo4j.getList("evidence.score", Double.class)).containsExactly(0.7, 0.3, 0.6, 0.4,
                0.1234567890123);
        assertThat(neo4j.getList("evidence.chosen", Boolean.class)).containsExactly(true, false, true, false, false);
        assertThat(neo4j.getList("alternatives[1].candidates.score", Double.class)).containsExactly(0.4,
                0.1234567890123);
        assertThat(neo4j.getList("children", Long.class)).containsExactly(child.inferenceId());
        JsonPath childStorage = as(s.key()).when().get("/api/inference/" + child.inferenceId() + "/explain").then()
                .statusCode(200).extract().jsonPath(DOUBLES);
        JsonPath childNeo4j = fromNeo4jOnceSynced(s, child.inferenceId(), shared(childStorage));
        assertThat(childNeo4j.getLong("parentInferenceId")).isEqualTo(run.inferenceId());

        as(s.key()).when().get("/api/inference/" + child.inferenceId()).then().statusCode(200)
                .body("parentInferenceId", equalTo(Math.toIntExact(run.inferenceId())));
    }

    @Test
    void aModelRunIsExplainedByItsModelWeightsAndInputsAndNeo4jAgrees() throws Exception {
        Seeded s = seed("explain-model");
        TenantStorage t = engine.forTenant(s.tenant());
        String version = t.models().weightVersion(s.model().modelId(), null).toString();
        InferenceRecord run = t.inference().begin(new NewInference(s.model().modelId(), "onnx.run", Instant.now(), 4,
                new InferenceReceipt(s.model().parentAtomId(), version, List.of(s.weights().get(0)), null,
                        List.of())));
        t.inference().succeed(run.inferenceId(), 2, "{\"outputs\":[]}", List.of(s.weights().get(1)));

        JsonPath storage = as(s.key()).when().get("/api/inference/" + run.inferenceId() + "/explain").then()
                .statusCode(200).extract().jsonPath(DOUBLES);
        assertThat(storage.getLong("model.modelId")).isEqualTo(s.model().modelId());
        assertThat(storage.getLong("model.modelAtomId")).isEqualTo(s.model().parentAtomId());
        assertThat(storage.getString("model.weightVersion")).isEqualTo(version);
        assertThat(storage.getList("evidence")).isEmpty();
        assertThat(storage.getList("alternatives")).isEmpty();
        assertThat(storage.getLong("provenance.model")).isEqualTo(s.model().modelId());
        assertThat(storage.getList("provenance.read", Long.class)).containsExactly(s.weights().get(0));
        assertThat(storage.getList("provenance.produced", Long.class)).containsExactly(s.weights().get(1));

        JsonPath neo4j = fromNeo4jOnceSynced(s, run.inferenceId(), shared(storage));
        assertThat(neo4j.getString("operation")).isEqualTo("onnx.run");
        assertThat(neo4j.getLong("model.modelAtomId")).isEqualTo(s.model().parentAtomId());
        assertThat(neo4j.getString("model.weightVersion")).isEqualTo(version);
        assertThat(neo4j.getList("evidence")).isEmpty();
    }

    /** A generation run over HTTP: every candidate of every step with its weight, the same from Neo4j. */
    @Test
    void aGenerationRunOverHttpIsExplainedTheSameFromNeo4j() throws Exception {
        Seeded s = seed("explain-generate");
        TenantStorage t = engine.forTenant(s.tenant());
        String type = "explain-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        float[][] points = {{1, 0}, {0.8f, 0.6f}, {0, 1}, {-1, 0}};
        for (int i = 0; i < points.length; i++) {
            t.vectors().put(new NewEmbedding(s.weights().get(i), type, points[i], false));
        }
        JsonPath generated = as(s.key()).contentType(ContentType.JSON).body(Map.of("context", List.of(1.0, 0.0),
                "embeddingType", type, "steps", 2, "k", 3, "temperature", 0.5, "seed", 7)).when()
                .post("/api/inference/generate").then().statusCode(200).extract().jsonPath(DOUBLES);
        long id = generated.getLong("inferenceId");
        JsonPath storage = as(s.key()).when().get("/api/inference/" + id + "/explain").then().statusCode(200)
                .extract().jsonPath(DOUBLES);
        assertThat(storage.getList("evidence")).hasSize(6);
        List<Object> weights = generated.getList("steps.candidates.weight");
        assertThat(storage.getList("evidence.score", Double.class)).as("every candidate's weight, step by step")
                .containsExactlyElementsOf(weights.stream().flatMap(w -> ((List<?>) w).stream())
                        .map(w -> ((Number) w).doubleValue()).toList());
        assertThat(storage.getList("alternatives.step", Integer.class)).as("the steps as the generation numbers them")
                .isEqualTo(generated.getList("steps.step", Integer.class));

        JsonPath neo4j = fromNeo4jOnceSynced(s, id, shared(storage));
        assertThat(neo4j.getList("evidence.score", Double.class))
                .isEqualTo(storage.getList("evidence.score", Double.class));
        assertThat(neo4j.getList("alternatives[1].candidates.atomId", Long.class))
                .isEqualTo(storage.getList("alternatives[1].candidates.atomId", Long.class));
    }

    @Test
    void anotherTenantBadIdsAndUnknownSourcesAreRefused() {
        Seeded s = seed("explain-owner");
        InferenceRecord run = engine.forTenant(s.tenant()).inference().beginReasoning(new NewReasoningRun(
                "concepts.discover", null, 1, List.of(), List.of(Evidence.atom(0, "member", s.weights().get(0), 1,
                        true))));
        String other = Api.keyFor(Api.newTenant("explain-other"), "query");
        as(other).when().get("/api/inference/" + run.inferenceId() + "/explain").then().statusCode(404)
                .contentType(containsString("problem+json"));
        as(other).when().get("/api/inference/" + run.inferenceId()).then().statusCode(404);
        as(s.key()).queryParam("source", "oracle").when().get("/api/inference/" + run.inferenceId() + "/explain")
                .then().statusCode(400).contentType(containsString("problem+json"))
                .body("detail", containsString("unknown source"));
        as(s.key()).when().get("/api/inference/x/explain").then().statusCode(400)
                .contentType(containsString("problem+json"));
        as(s.key()).when().get("/api/inference/" + Long.MAX_VALUE + "/explain").then().statusCode(404);
        as(s.key()).when().get("/api/inference/" + run.inferenceId()).then().statusCode(200)
                .body("operation", equalTo("concepts.discover"), "receipt", equalTo(null));
    }
}
