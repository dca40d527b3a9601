package io.hartonomous.api.concepts;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * The concept endpoints over HTTP: discover on two known clusters and noise, a concept with its members, domain and
 * neighbours, the domain a point is in, an atom's concepts, generations as of a time, bad parameters as 400
 * problem+json, and another tenant seeing nothing.
 */
@QuarkusTest
class ConceptsTest {
    @Inject
    StorageEngine engine;

    private record Seeded(String tenant, String key, String type, List<Long> a, List<Long> b, List<Long> noise) {
    }

    /** Twelve atoms (weights of a seeded model) with the tenant's own 2-D embeddings: two clusters and noise. */
    private Seeded seed(String prefix) {
        String tenant = Api.newTenant(prefix);
        String key = Api.keyFor(tenant, "query");
        String type = "http-concepts-" + UUID.randomUUID().toString().substring(0, 8);
        float base = (float) (Math.random() * 1e6);
        byte[][] values = new byte[12][];
        for (int i = 0; i < values.length; i++) {
            values[i] = Seed.f32(base + i);
        }
        new Seed(engine).model(tenant, "m", List.of(new Seed.Tensor("w", List.of(12L), "F32", "f32", values)));
        TenantStorage t = engine.forTenant(tenant);
        float[][] points = {{0, 0}, {0.1f, 0}, {0, 0.1f}, {0.1f, 0.1f}, {0.05f, 0.05f},
                {5, 5}, {5.1f, 5}, {5, 5.1f}, {5.1f, 5.1f}, {5.05f, 5.05f}, {10, -10}, {-8, 3}};
        List<Long> atoms = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            long atom = t.atoms().byHash(ContentHash.of(AtomType.of(Modality.MODEL, "f32"), values[i])).orElseThrow()
                    .atomId();
            t.vectors().put(new NewEmbedding(atom, type, points[i], false));
            atoms.add(atom);
        }
        // Cluster A holds the points given first; DBSCAN numbers clusters by their lowest atom id.
        return new Seeded(tenant, key, type, atoms.subList(0, 5), atoms.subList(5, 10), atoms.subList(10, 12));
    }

    private static JsonPath discover(Seeded s, Map<String, Object> body) {
        return as(s.key()).contentType(ContentType.JSON).body(body).when().post("/api/concepts/discover").then()
                .statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> body(Seeded s, double eps) {
        Map<String, Object> body = new HashMap<>();
        body.put("embeddingType", s.type());
        body.put("eps", eps);
        body.put("minPts", 3);
        body.put("metric", "euclidean");
        return body;
    }

    @Test
    void discoverFindsTheClustersAndEveryConceptEndpointAnswers() {
        Seeded s = seed("concepts");
        JsonPath d = discover(s, body(s, 0.3));
        assertThat(d.getInt("generation")).isEqualTo(1);
        assertThat(d.getInt("noise")).isEqualTo(2);
        assertThat(d.getList("noiseAtoms", Long.class)).containsExactlyInAnyOrderElementsOf(s.noise());
        assertThat(d.getList("concepts.members", Integer.class)).containsExactly(5, 5);
        assertThat(d.getList("evolution.kind", String.class)).containsExactly("new", "new");
        long inferenceId = d.getLong("inferenceId");
        List<Long> ids = d.getList("concepts.conceptId", Long.class);

        JsonPath concept = as(s.key()).when().get("/api/concepts/" + ids.get(0)).then().statusCode(200).extract()
                .jsonPath();
        List<Long> members = concept.getList("memberAtoms.atomId", Long.class);
        assertThat(Set.copyOf(members)).isIn(Set.copyOf(s.a()), Set.copyOf(s.b()));
        assertThat(concept.getString("domain")).startsWith("POLYGON");
        assertThat(concept.getList("neighbours", Long.class)).containsExactly(ids.get(1));
        assertThat(concept.getList("centroid", Float.class)).hasSize(2);
        assertThat(concept.getDouble("coherence")).isBetween(0.9, 1.0);

        as(s.key()).queryParam("embeddingType", s.type()).queryParam("x", concept.getDouble("x"))
                .queryParam("y", concept.getDouble("y")).when().get("/api/concepts/at").then().statusCode(200)
                .body("conceptId", equalTo(ids.get(0).intValue()));
        as(s.key()).when().get("/api/atoms/" + members.get(0) + "/concepts").then().statusCode(200)
                .body("concepts", hasSize(1), "concepts[0].conceptId", equalTo(ids.get(0).intValue()),
                        "concepts[0].embeddingType", equalTo(s.type()));
        as(s.key()).when().get("/api/inference/" + inferenceId).then().statusCode(200)
                .body("operation", equalTo("concepts.discover"), "status", equalTo("SUCCEEDED"));
        as(s.key()).when().get("/api/inference/" + inferenceId + "/explain").then().statusCode(200)
                .body("evidence", hasSize(12), "alternatives", hasSize(1), "alternatives[0].candidates", hasSize(2));
    }

    @Test
    void generationsAnswerAsOfTheirTimeWithTheirEvolution() throws Exception {
        Seeded s = seed("concepts-asof");
        JsonPath first = discover(s, body(s, 0.3));
        Thread.sleep(10);
        Instant between = Instant.now();
        Thread.sleep(10);
        JsonPath merged = discover(s, body(s, 10));
        assertThat(merged.getInt("generation")).isEqualTo(2);
        assertThat(merged.getList("evolution.kind", String.class)).containsExactly("merged", "merged");
        assertThat(merged.getList("evolution.fromConceptId", Long.class))
                .containsExactlyElementsOf(first.getList("concepts.conceptId", Long.class));

        as(s.key()).queryParam("embeddingType", s.type()).queryParam("asOf", between.toString())
                .when().get("/api/concepts/generations").then().statusCode(200)
                .body("generation", equalTo(1), "concepts", hasSize(2));
        as(s.key()).queryParam("embeddingType", s.type()).when().get("/api/concepts/generations").then()
                .statusCode(200).body("generation", equalTo(2), "concepts", hasSize(1),
                        "evolution.kind", equalTo(List.of("merged", "merged")));
        long atom = s.a().get(0);
        as(s.key()).queryParam("asOf", between.toString()).when().get("/api/atoms/" + atom + "/concepts").then()
                .statusCode(200).body("concepts[0].generation", equalTo(1));
        as(s.key()).queryParam("embeddingType", s.type()).queryParam("asOf", "2000-01-01T00:00:00Z")
                .when().get("/api/concepts/generations").then().statusCode(404);
    }

    @Test
    void badParametersAre400ProblemsSayingWhatIsWrong() {
        Seeded s = seed("concepts-bad");
        Map<String, String> wrong = Map.of(
                "eps", "eps must be a finite number > 0",
                "minPts", "minPts must be between 1 and 1000",
                "metric", "concepts are discovered by cosine or euclidean",
                "embeddingType", "there are no embeddings of type",
                "mode", "unknown mode");
        for (Map.Entry<String, String> w : wrong.entrySet()) {
            Map<String, Object> body = body(s, 0.3);
            switch (w.getKey()) {
                case "eps" -> body.put("eps", 0);
                case "minPts" -> body.put("minPts", 0);
                case "metric" -> body.put("metric", "dot");
                case "embeddingType" -> body.put("embeddingType", "no-such-type-" + UUID.randomUUID());
                default -> body.put("mode", "psychic");
            }
            as(s.key()).contentType(ContentType.JSON).body(body).when().post("/api/concepts/discover").then()
                    .statusCode(400).contentType(containsString("problem+json"))
                    .body("detail", containsString(w.getValue()));
        }
        Map<String, Object> negative = body(s, -1);
        as(s.key()).contentType(ContentType.JSON).body(negative).when().post("/api/concepts/discover").then()
                .statusCode(400).contentType(containsString("problem+json"));
        Map<String, Object> missing = new HashMap<>(Map.of("embeddingType", s.type()));
        as(s.key()).contentType(ContentType.JSON).body(missing).when().post("/api/concepts/discover").then()
                .statusCode(400).body("detail", containsString("eps (> 0) and minPts"));
        as(s.key()).queryParam("embeddingType", s.type()).queryParam("x", "abc").queryParam("y", "1")
                .when().get("/api/concepts/at").then().statusCode(400).contentType(containsString("problem+json"));
        as(s.key()).queryParam("x", "1").queryParam("y", "1").when().get("/api/concepts/at").then().statusCode(400);
        as(s.key()).when().get("/api/concepts/x").then().statusCode(400);
        as(s.key()).queryParam("asOf", "yesterday").when().get("/api/atoms/" + s.a().get(0) + "/concepts").then()
                .statusCode(400);
        assertThat(as(s.key()).when().get("/api/inference").then().statusCode(200).extract().jsonPath()
                .getList("$")).as("nothing recorded by refused runs").isEmpty();
    }

    @Test
    void anotherTenantSeesNoneOfIt() {
        Seeded s = seed("concepts-owner");
        JsonPath d = discover(s, body(s, 0.3));
        long concept = d.getList("concepts.conceptId", Long.class).get(0);
        Seeded other = seed("concepts-other");
        as(other.key()).when().get("/api/concepts/" + concept).then().statusCode(404)
                .contentType(containsString("problem+json"));
        as(other.key()).queryParam("embeddingType", s.type()).when().get("/api/concepts/generations").then()
                .statusCode(404);
        as(other.key()).queryParam("embeddingType", s.type()).queryParam("x", d.getDouble("concepts[0].x"))
                .queryParam("y", d.getDouble("concepts[0].y")).when().get("/api/concepts/at").then().statusCode(404);
        as(other.key()).when().get("/api/atoms/" + s.a().get(0) + "/concepts").then().statusCode(200)
                .body("concepts", hasSize(0));
        as(other.key()).contentType(ContentType.JSON).body(body(s, 0.3)).when().post("/api/concepts/discover")
                .then().statusCode(400).body("detail", containsString("no embeddings"));
        as(other.key()).when().get("/api/inference/" + d.getLong("inferenceId")).then().statusCode(404);

        String ingestOnly = Api.keyFor(s.tenant(), "ingest");
        as(ingestOnly).contentType(ContentType.JSON).body(body(s, 0.3)).when().post("/api/concepts/discover").then()
                .statusCode(403);
        as(ingestOnly).when().get("/api/concepts/" + concept).then().statusCode(403);
        io.restassured.RestAssured.given().when().get("/api/concepts/" + concept).then().statusCode(401);
        io.restassured.RestAssured.given().when().get("/api/atoms/" + s.a().get(0) + "/concepts").then()
                .statusCode(401);
    }
}
