package io.hartonomous.api.reasoning;

import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * POST /api/reasoning/path and POST /api/inference/generate over HTTP on the embedded engine: the known path around a
 * U, a generation whose first step is computed by hand, the same steps streamed as server-sent events, each run an
 * inference record whose evidence /explain shows, bad parameters as problem+json, and tenant isolation.
 */
@QuarkusTest
class ReasoningApiTest {
    @Inject
    StorageEngine engine;

    private static float[] v(double x, double y) {
        return new float[] {(float) x, (float) y};
    }

    private SeededPoints u(String prefix) {
        return SeededPoints.of(engine, prefix, "u-api", SeededPoints.u());
    }

    private SeededPoints compass(String prefix) {
        return SeededPoints.of(engine, prefix, "compass-api", List.of(v(1, 0), v(0, 1), v(-1, 0)));
    }

    private static ValidatableResponse post(String key, String path, Map<String, Object> body) {
        return as(key).contentType(ContentType.JSON).accept(ContentType.JSON).body(body).when().post(path).then();
    }

    @Test
    void thePathAroundTheUIsRecordedWithItsAtoms() {
        SeededPoints s = u("path");
        long from = s.atoms().getFirst();
        long to = s.atoms().getLast();
        JsonPath answer = post(s.key(), "/api/reasoning/path", Map.of("from", from, "to", to,
                "embeddingType", "u-api", "k", 2)).statusCode(200).extract().jsonPath();
        assertThat(answer.getBoolean("found")).isTrue();
        assertThat(answer.getDouble("cost")).isCloseTo(12.0, offset(1e-5));
        assertThat(answer.getString("heuristic")).isEqualTo("exact");
        assertThat(answer.getString("heuristicReason")).contains("admissible");
        assertThat(answer.getString("metric")).isEqualTo("euclidean");
        List<Long> path = answer.getList("path", Long.class);
        assertThat(path.getFirst()).isEqualTo(from);
        assertThat(path.getLast()).isEqualTo(to);
        assertThat(path.stream().map(s.atoms()::indexOf).toList()).isSorted();
        long expanded = answer.getLong("expanded");

        JsonPath dijkstra = post(s.key(), "/api/reasoning/path", Map.of("from", from, "to", to,
                "embeddingType", "u-api", "k", 2, "heuristic", "none")).statusCode(200).extract().jsonPath();
        assertThat(dijkstra.getString("heuristic")).isEqualTo("none");
        assertThat(dijkstra.getDouble("cost")).isCloseTo(12.0, offset(1e-5));
        assertThat(dijkstra.getLong("expanded")).isGreaterThanOrEqualTo(expanded);

        long id = answer.getLong("inferenceId");
        as(s.key()).when().get("/api/inference/" + id).then().statusCode(200)
                .body("operation", equalTo("reasoning.path"), "status", equalTo("SUCCEEDED"),
                        "outputs.found", equalTo(true), "outputs.k", equalTo(2));
        JsonPath explain = as(s.key()).when().get("/api/inference/" + id + "/explain").then().statusCode(200)
                .extract().jsonPath();
        assertThat(explain.getList("evidence.atomId", Long.class)).containsExactlyElementsOf(path);
        assertThat(explain.getList("evidence.role", String.class)).containsOnly("path");
        assertThat(explain.getList("evidence.score", Double.class).getLast()).isCloseTo(12.0, offset(1e-5));
        assertThat(explain.getList("provenance.chose", Long.class)).containsExactlyInAnyOrderElementsOf(path);
    }

    @Test
    void aGenerationAsComputedByHandAndItsEvidence() {
        SeededPoints s = compass("gen");
        long a = s.atoms().get(0);
        long b = s.atoms().get(1);
        long c = s.atoms().get(2);
        JsonPath answer = post(s.key(), "/api/inference/generate", Map.of("context", List.of(1.0, 0.0),
                "embeddingType", "compass-api", "steps", 2, "k", 3, "temperature", 1.0, "seed", 35590))
                .statusCode(200).extract().jsonPath();
        // Similarities 1, 0, -1 -> weights e^0, e^-1, e^-2 over 1.503215; the draw 0.800012 falls in b's share.
        assertThat(answer.getList("steps[0].candidates.atomId", Long.class)).containsExactly(a, b, c);
        List<Double> weights = answer.getList("steps[0].candidates.weight", Double.class);
        assertThat(weights.get(0)).isCloseTo(0.665241, offset(1e-6));
        assertThat(weights.get(1)).isCloseTo(0.244728, offset(1e-6));
        assertThat(weights.get(2)).isCloseTo(0.090031, offset(1e-6));
        assertThat(answer.getDouble("steps[0].draw")).isCloseTo(0.800012, offset(1e-6));
        assertThat(answer.getLong("steps[0].atomId")).isEqualTo(b);
        assertThat(answer.getDouble("steps[0].logProbability")).isCloseTo(-1.407606, offset(1e-6));
        assertThat(answer.getList("atoms", Long.class)).containsExactly(b, a);
        assertThat(answer.getString("metric")).isEqualTo("cosine");

        long id = answer.getLong("inferenceId");
        as(s.key()).when().get("/api/inference/" + id).then().statusCode(200)
                .body("operation", equalTo("reasoning.generate"), "status", equalTo("SUCCEEDED"),
                        "outputs.seed", equalTo(35590), "outputs.atoms.size()", equalTo(2));
        JsonPath explain = as(s.key()).when().get("/api/inference/" + id + "/explain").then().statusCode(200)
                .extract().jsonPath();
        // Every candidate of both steps, chosen or not, with its weight.
        assertThat(explain.getList("evidence")).hasSize(6);
        assertThat(explain.getList("evidence.step", Integer.class)).containsExactly(1, 1, 1, 2, 2, 2);
        assertThat(explain.getList("evidence.chosen", Boolean.class))
                .containsExactly(false, true, false, true, false, false);
        assertThat(explain.getDouble("evidence[0].score")).isCloseTo(0.665241, offset(1e-6));
        assertThat(explain.getList("alternatives.step", Integer.class)).containsExactly(1, 2);
        assertThat(explain.getList("alternatives[0].candidates.atomId", Long.class)).containsExactly(a, c);
        assertThat(explain.getList("alternatives[1].candidates.atomId", Long.class)).containsExactly(b, c);
    }

    @Test
    void theStreamCarriesTheSameStepsAsEvents() {
        SeededPoints s = compass("sse");
        Map<String, Object> body = Map.of("context", Map.of("atom", s.atoms().get(1)), "embeddingType",
                "compass-api", "steps", 4, "k", 3, "temperature", 0.7, "seed", 9);
        JsonPath whole = post(s.key(), "/api/inference/generate", body).statusCode(200).extract().jsonPath();
        // A client that accepts anything gets JSON; only text/event-stream asked for gets the stream.
        as(s.key()).contentType(ContentType.JSON).accept("*/*").body(body).when().post("/api/inference/generate")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("atoms", equalTo(whole.getList("atoms")));
        String stream = as(s.key()).contentType(ContentType.JSON).accept("text/event-stream").body(body)
                .when().post("/api/inference/generate").then().statusCode(200)
                .contentType(containsString("text/event-stream")).extract().asString();
        List<String> events = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (String block : stream.split("\n\n")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    events.add(line.substring(7));
                } else if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
        }
        assertThat(events).containsExactly("step", "step", "step", "step", "done");
        for (int i = 0; i < 4; i++) {
            JsonPath step = JsonPath.from(data.get(i));
            assertThat(step.getInt("step")).isEqualTo(i + 1);
            assertThat(step.getLong("atomId")).isEqualTo(whole.getLong("steps[" + i + "].atomId"));
            assertThat(step.getDouble("logProbability")).isEqualTo(whole.getDouble("steps[" + i
                    + "].logProbability"));
        }
        JsonPath done = JsonPath.from(data.get(4));
        assertThat(done.getList("atoms", Long.class)).isEqualTo(whole.getList("atoms", Long.class));
        long id = done.getLong("inferenceId");
        assertThat(id).isNotEqualTo(whole.getLong("inferenceId"));
        as(s.key()).when().get("/api/inference/" + id).then().statusCode(200)
                .body("operation", equalTo("reasoning.generate"));
    }

    private static void problem(ValidatableResponse r, int status, String detail) {
        r.statusCode(status).contentType("application/problem+json").body("detail", containsString(detail));
    }

    @Test
    void badParametersAreProblems() {
        SeededPoints s = compass("bad");
        long a = s.atoms().getFirst();
        String type = "compass-api";
        problem(post(s.key(), "/api/reasoning/path", Map.of("from", a, "to", a, "embeddingType", type, "k", 1001)),
                400, "k must be between 1 and 1000");
        problem(post(s.key(), "/api/reasoning/path", Map.of("from", a, "to", a, "embeddingType", type, "k", 0)),
                400, "k must be between 1 and 1000");
        problem(post(s.key(), "/api/reasoning/path", Map.of("from", a, "to", a, "embeddingType", type,
                "metric", "dot")), 400, "negative edge costs");
        problem(post(s.key(), "/api/reasoning/path", Map.of("from", a, "to", a, "embeddingType", type,
                "metric", "cosine", "heuristic", "exact")), 400, "not admissible");
        problem(post(s.key(), "/api/reasoning/path", Map.of("from", a, "to", a, "embeddingType", type,
                "heuristic", "greedy")), 400, "unknown heuristic");
        problem(post(s.key(), "/api/reasoning/path", Map.of("to", a, "embeddingType", type)), 400,
                "from is required");
        problem(post(s.key(), "/api/reasoning/path", Map.of("from", a, "to", a, "embeddingType", "nope")), 400,
                "unknown embedding type");
        problem(post(s.key(), "/api/reasoning/path", Map.of("from", a, "to", Long.MAX_VALUE - 7,
                "embeddingType", type)), 404, "not found");

        Map<String, Object> ok = Map.of("context", List.of(1.0, 0.0), "embeddingType", type);
        problem(post(s.key(), "/api/inference/generate", with(ok, "steps", 0)), 400, "steps must be between");
        problem(post(s.key(), "/api/inference/generate", with(ok, "k", 1001)), 400, "k must be between 1 and 1000");
        problem(post(s.key(), "/api/inference/generate", with(ok, "temperature", 0)), 400, "temperature");
        problem(post(s.key(), "/api/inference/generate", with(ok, "temperature", -1)), 400, "temperature");
        problem(post(s.key(), "/api/inference/generate", with(ok, "steps", 1000, "k", 1000)), 400,
                "steps × k must be at most");
        problem(post(s.key(), "/api/inference/generate", with(ok, "context", "up")), 400, "context must be");
        problem(post(s.key(), "/api/inference/generate", with(ok, "embeddingType", "nope")), 400,
                "unknown embedding type");
        problem(post(s.key(), "/api/inference/generate", with(ok, "context", Map.of("atom", Long.MAX_VALUE - 7))),
                404, "not found");
        // The stream refuses the same before its first byte.
        problem(as(s.key()).contentType(ContentType.JSON).accept("text/event-stream")
                .body(with(ok, "embeddingType", "nope")).when().post("/api/inference/generate").then(), 400,
                "unknown embedding type");
        problem(as(s.key()).contentType(ContentType.JSON).accept("text/event-stream")
                .body(with(ok, "k", 0)).when().post("/api/inference/generate").then(), 400, "k must be between");
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... pairs) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void anotherTenantNeitherReasonsOverNorReadsTheRuns() {
        SeededPoints owner = u("owner");
        long from = owner.atoms().getFirst();
        long to = owner.atoms().getLast();
        long id = post(owner.key(), "/api/reasoning/path", Map.of("from", from, "to", to, "embeddingType", "u-api",
                "k", 2)).statusCode(200).extract().jsonPath().getLong("inferenceId");
        long gen = post(owner.key(), "/api/inference/generate", Map.of("context", Map.of("atom", from),
                "embeddingType", "u-api", "steps", 2, "k", 3)).statusCode(200).extract().jsonPath()
                .getLong("inferenceId");

        SeededPoints stranger = compass("stranger");
        // The owner's type has no embedding the stranger sees; with one of its own, the owner's atoms stay unseen.
        problem(post(stranger.key(), "/api/reasoning/path", Map.of("from", from, "to", to, "embeddingType",
                "u-api", "k", 2)), 400, "unknown embedding type");
        problem(post(stranger.key(), "/api/reasoning/path", Map.of("from", from, "to", to, "embeddingType",
                "compass-api", "k", 2)), 404, "not found");
        problem(post(stranger.key(), "/api/inference/generate", Map.of("context", Map.of("atom", from),
                "embeddingType", "compass-api")), 404, "not found");
        JsonPath mine = post(stranger.key(), "/api/inference/generate", Map.of("context", List.of(1.0, 0.0),
                "embeddingType", "compass-api", "steps", 3, "k", 50)).statusCode(200).extract().jsonPath();
        assertThat(mine.getList("steps.candidates.atomId.flatten()", Long.class)).isNotEmpty()
                .allMatch(stranger.atoms()::contains);
        as(stranger.key()).when().get("/api/inference/" + id).then().statusCode(404);
        as(stranger.key()).when().get("/api/inference/" + gen + "/explain").then().statusCode(404);
    }
}
