package io.hartonomous.api.reasoning;

import io.hartonomous.api.testing.Api;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * POST /api/reasoning/chains and GET /api/reasoning/chains/{id}: a chain of search, path, generate and concept steps
 * linked by "$prev", each step its own record under the chain's (model steps: ChainModelStepTest); self-consistency over five seeds as one record with five
 * children, the majority and its share; bad chains and another tenant refused.
 */
@QuarkusTest
class ChainApiTest {
    @Inject
    StorageEngine engine;

    private SeededPoints u(String prefix) {
        return SeededPoints.of(engine, prefix, "u-chain", SeededPoints.u());
    }

    private static ValidatableResponse post(String key, Object body) {
        return as(key).contentType(ContentType.JSON).body(body).when().post("/api/reasoning/chains").then();
    }

    @Test
    void stepsLinkedByPrevAreEachRecordedUnderTheChain() {
        SeededPoints s = u("chain");
        long start = s.atoms().getFirst();
        long goal = s.atoms().getLast();
        JsonPath answer = post(s.key(), Map.of("steps", List.of(
                Map.of("kind", "search", "embeddingType", "u-chain", "atom", start, "k", 1, "metric", "euclidean"),
                Map.of("kind", "path", "embeddingType", "u-chain", "from", "$prev", "to", goal, "k", 2),
                Map.of("kind", "generate", "embeddingType", "u-chain", "context", Map.of("atom", "$prev"),
                        "steps", 2, "k", 3, "metric", "euclidean"))))
                .statusCode(200).extract().jsonPath();
        // The atom nearest (0,4) is (0,3); the path from it around the U to (4,4) is the rest of the U.
        assertThat(answer.getList("samples[0].steps[0].outcome", Long.class)).containsExactly(s.atoms().get(1));
        assertThat(answer.getList("samples[0].steps[1].outcome", Long.class))
                .containsExactlyElementsOf(s.atoms().subList(1, s.atoms().size()));
        List<Long> generated = answer.getList("samples[0].steps[2].outcome", Long.class);
        assertThat(generated).hasSize(2);
        assertThat(answer.getList("samples[0].outcome", Long.class)).isEqualTo(generated);
        assertThat(answer.getInt("majority.count")).isEqualTo(1);
        assertThat(answer.getDouble("majority.share")).isEqualTo(1.0);

        long id = answer.getLong("inferenceId");
        JsonPath chain = as(s.key()).when().get("/api/reasoning/chains/" + id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(chain.getString("operation")).isEqualTo("reasoning.chain");
        assertThat(chain.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(chain.getList("children.operation", String.class))
                .containsExactly("reasoning.search", "reasoning.path", "reasoning.generate");
        assertThat(chain.getList("children.parentInferenceId", Long.class)).containsOnly(id);
        assertThat(chain.getDouble("children[1].outputs.cost")).isCloseTo(11.0, offset(1e-5));
        assertThat(chain.getList("outputs.majority.outcome", Long.class)).isEqualTo(generated);
        // Each step's record explains itself: the search's hit, the generation's candidates.
        long search = chain.getLong("children[0].inferenceId");
        as(s.key()).when().get("/api/inference/" + search + "/explain").then().statusCode(200)
                .body("evidence[0].atomId", equalTo(Math.toIntExact(s.atoms().get(1))),
                        "evidence[0].role", equalTo("hit"));
    }

    @Test
    void selfConsistencyIsOneRecordWithOneChildPerSeed() {
        SeededPoints s = SeededPoints.of(engine, "consistency", "compass-chain", List.of(new float[] {1, 0}, new float[] {0, 1},
                new float[] {-1, 0}));
        Map<String, Object> body = Map.of("seeds", List.of(1, 200_000_000, 400_000_000, 900_000_000, 1_500_000_000),
                "steps", List.of(Map.of("kind", "generate", "embeddingType", "compass-chain",
                        "context", List.of(1.0, 0.0), "steps", 1, "k", 3, "temperature", 2.0)));
        JsonPath answer = post(s.key(), body).statusCode(200).extract().jsonPath();
        assertThat(answer.getList("samples")).hasSize(5);
        List<List<Long>> outcomes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            outcomes.add(answer.getList("samples[" + i + "].outcome", Long.class));
        }
        Map<List<Long>, Integer> counts = new HashMap<>();
        outcomes.forEach(o -> counts.merge(o, 1, Integer::sum));
        int most = Collections.max(counts.values());
        assertThat(answer.getInt("majority.count")).isEqualTo(most);
        assertThat(answer.getDouble("majority.share")).isEqualTo(most / 5.0);
        assertThat(counts.get(answer.getList("majority.outcome", Long.class))).isEqualTo(most);
        assertThat(counts).hasSizeGreaterThan(1); // the seeds do not all agree at temperature 2
        // By hand: weights e^0, e^-0.5, e^-1 over their sum = 0.5065, 0.3072, 0.1863; the five first draws are
        // 0.000045, 0.587224, 0.174427, 0.142432, 0.904038: a, b, a, a, c. Majority a, 3 of 5.
        long a = s.atoms().get(0);
        assertThat(outcomes).containsExactly(List.of(a), List.of(s.atoms().get(1)), List.of(a), List.of(a),
                List.of(s.atoms().get(2)));
        assertThat(answer.getList("majority.outcome", Long.class)).containsExactly(a);
        assertThat(answer.getInt("majority.count")).isEqualTo(3);
        assertThat(answer.getDouble("majority.share")).isEqualTo(0.6);

        JsonPath again = post(s.key(), body).statusCode(200).extract().jsonPath();
        for (int i = 0; i < 5; i++) {
            assertThat(again.getList("samples[" + i + "].outcome", Long.class)).isEqualTo(outcomes.get(i));
        }

        long id = answer.getLong("inferenceId");
        JsonPath chain = as(s.key()).when().get("/api/reasoning/chains/" + id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(chain.getList("children")).hasSize(5);
        assertThat(chain.getList("children.operation", String.class)).containsOnly("reasoning.chain");
        assertThat(chain.getList("children.outputs.seed", Long.class))
                .containsExactly(1L, 200_000_000L, 400_000_000L, 900_000_000L, 1_500_000_000L);
        assertThat(chain.getList("children[0].children.operation", String.class))
                .containsExactly("reasoning.generate");
        assertThat(chain.getInt("outputs.majority.count")).isEqualTo(most);
        long sample = chain.getLong("children[2].inferenceId");
        as(s.key()).when().get("/api/inference/" + sample).then().statusCode(200)
                .body("parentInferenceId", equalTo(Math.toIntExact(id)));
    }

    /**
     * Concept steps after discovery: two tight clusters of five; a search from one of A's atoms gives another of A's,
     * whose bound concept is A's (similarity as GET /api/atoms/{id}/concepts gives it), and B's atom's projected point
     * lies in B's domain. Each step is a {@code reasoning.concept} record whose evidence names the atom and concept.
     */
    @Test
    void conceptStepsFindTheConceptAnAtomIsBoundToAndTheDomainItsPointIsIn() {
        String type = "chain-concepts-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        SeededPoints s = SeededPoints.of(engine, "chain-concepts", type, List.of(new float[] {0, 0}, new float[] {0.1f, 0},
                new float[] {0, 0.1f}, new float[] {0.1f, 0.1f}, new float[] {0.05f, 0.05f}, new float[] {5, 5},
                new float[] {5.1f, 5}, new float[] {5, 5.1f}, new float[] {5.1f, 5.1f}, new float[] {5.05f, 5.05f}));
        as(s.key()).contentType(ContentType.JSON).body(Map.of("embeddingType", type, "eps", 0.3, "minPts", 3,
                "metric", "euclidean")).when().post("/api/concepts/discover").then().statusCode(200)
                .body("concepts", org.hamcrest.Matchers.hasSize(2));
        long a0 = s.atoms().get(0);
        long b0 = s.atoms().get(5);
        JsonPath boundA = as(s.key()).when().get("/api/atoms/" + s.atoms().get(4) + "/concepts").then()
                .statusCode(200).extract().jsonPath();
        long conceptA = boundA.getLong("concepts[0].conceptId");
        long conceptB = as(s.key()).when().get("/api/atoms/" + b0 + "/concepts").then().statusCode(200).extract()
                .jsonPath().getLong("concepts[0].conceptId");
        assertThat(conceptA).isNotEqualTo(conceptB);

        // (0.05, 0.05) is the nearest to (0, 0) after itself.
        JsonPath answer = post(s.key(), Map.of("steps", List.of(
                Map.of("kind", "search", "embeddingType", type, "atom", a0, "k", 1, "metric", "euclidean"),
                Map.of("kind", "concept", "atom", "$prev", "embeddingType", type)))).statusCode(200)
                .extract().jsonPath();
        assertThat(answer.getList("samples[0].steps[0].outcome", Long.class)).containsExactly(s.atoms().get(4));
        assertThat(answer.getList("samples[0].steps[1].outcome", Long.class)).containsExactly(conceptA);
        assertThat(answer.getString("samples[0].steps[1].outcomeKind")).isEqualTo("concepts");
        assertThat(answer.getList("majority.outcome", Long.class)).containsExactly(conceptA);
        long step = answer.getLong("samples[0].steps[1].inferenceId");
        JsonPath explained = as(s.key()).when().get("/api/inference/" + step + "/explain").then().statusCode(200)
                .extract().jsonPath();
        assertThat(explained.getString("operation")).isEqualTo("reasoning.concept");
        assertThat(explained.getList("evidence.conceptId", Long.class)).containsExactly(conceptA);
        assertThat(explained.getList("evidence.atomId", Long.class)).containsExactly(s.atoms().get(4));
        assertThat(explained.getString("evidence[0].role")).isEqualTo("bound");
        assertThat(explained.getDouble("evidence[0].score")).isCloseTo(boundA.getDouble("concepts[0].similarity"),
                offset(1e-9));
        assertThat(explained.getBoolean("evidence[0].chosen")).isTrue();

        JsonPath domain = post(s.key(), Map.of("steps", List.of(Map.of("kind", "concept", "atom", b0, "by",
                "domain", "embeddingType", type)))).statusCode(200).extract().jsonPath();
        assertThat(domain.getList("samples[0].steps[0].outcome", Long.class)).containsExactly(conceptB);
        JsonPath chain = as(s.key()).when().get("/api/reasoning/chains/" + domain.getLong("inferenceId")).then()
                .statusCode(200).extract().jsonPath();
        assertThat(chain.getList("children.operation", String.class)).containsExactly("reasoning.concept");
        assertThat(chain.getString("children[0].outputs.by")).isEqualTo("domain");
        assertThat(chain.getList("children[0].outputs.concepts", Long.class)).containsExactly(conceptB);
        as(s.key()).when().get("/api/inference/" + chain.getLong("children[0].inferenceId") + "/explain").then()
                .statusCode(200).body("evidence[0].role", equalTo("domain"),
                        "evidence[0].conceptId", equalTo(Math.toIntExact(conceptB)));
    }

    private static void problem(ValidatableResponse r, int status, String detail) {
        r.statusCode(status).contentType("application/problem+json").body("detail", containsString(detail));
    }

    @Test
    void badChainsAndStrangersAreRefused() {
        SeededPoints s = u("badchain");
        long a = s.atoms().getFirst();
        Map<String, Object> search = Map.of("kind", "search", "embeddingType", "u-chain", "atom", a, "k", 1);
        problem(post(s.key(), Map.of("steps", List.of())), 400, "a chain needs 1 to 16 steps");
        problem(post(s.key(), Map.of("steps", List.of(Map.of("kind", "concept")))), 400, "takes an atom");
        problem(post(s.key(), Map.of("steps", List.of(Map.of("kind", "concept", "atom", a, "by", "domain")))), 400,
                "needs the embeddingType");
        problem(post(s.key(), Map.of("steps", List.of(Map.of("kind", "concept", "atom", a, "by", "guess")))), 400,
                "binding or domain");
        problem(post(s.key(), Map.of("steps", List.of(Map.of("kind", "concept", "atom", a), Map.of("kind", "path",
                "embeddingType", "u-chain", "from", "$prev", "to", a)))), 400, "outcome is no atom");
        problem(post(s.key(), Map.of("steps", List.of(Map.of("kind", "model", "inputs", Map.of())))), 400,
                "names its model");
        problem(post(s.key(), Map.of("steps", List.of(Map.of("kind", "model", "model", 1)))), 400,
                "takes its inputs");
        problem(post(s.key(), Map.of("steps", List.of(Map.of("kind", "guess")))), 400, "unknown kind");
        problem(post(s.key(), Map.of("steps", List.of(Map.of("kind", "path", "embeddingType", "u-chain",
                "from", "$prev", "to", a)))), 400, "no previous step");
        problem(post(s.key(), Map.of("steps", List.of(search, Map.of("kind", "generate", "embeddingType", "u-chain",
                "context", Map.of("atom", "$prev"), "seed", 3)))), 400, "take their seed");
        problem(post(s.key(), Map.of("steps", List.of(search, Map.of("kind", "generate", "embeddingType", "u-chain",
                "context", Map.of("atom", "$prev"), "steps", 0)))), 400, "steps must be between");
        List<Integer> seeds = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            seeds.add(i);
        }
        problem(post(s.key(), Map.of("steps", List.of(search), "seeds", seeds)), 400, "1 to 32 seeds");

        long chain = post(s.key(), Map.of("steps", List.of(search))).statusCode(200).extract().jsonPath()
                .getLong("inferenceId");
        long path = as(s.key()).contentType(ContentType.JSON).body(Map.of("from", a, "to", s.atoms().get(2),
                "embeddingType", "u-chain", "k", 2)).when().post("/api/reasoning/path").then().statusCode(200)
                .extract().jsonPath().getLong("inferenceId");
        problem(as(s.key()).when().get("/api/reasoning/chains/" + path).then(), 404, "not found");
        String stranger = Api.keyFor(Api.newTenant("stranger"), "query");
        problem(as(stranger).when().get("/api/reasoning/chains/" + chain).then(), 404, "not found");
        problem(post(stranger, Map.of("steps", List.of(search))), 404, "not found");
    }
}
