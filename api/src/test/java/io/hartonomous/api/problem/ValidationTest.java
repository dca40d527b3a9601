package io.hartonomous.api.problem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.admin;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** Every class of bad input is a problem+json 4xx whose detail says what to fix, never a stack trace. */
@QuarkusTest
class ValidationTest {

    private static ValidatableResponse problem(ValidatableResponse r, int status, String detailPart) {
        return r.statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status), "title", org.hamcrest.Matchers.notNullValue(),
                        "detail", containsString(detailPart))
                .body(allOf(not(containsString("Exception")), not(containsString("\tat "))));
    }

    private static ValidatableResponse search(Object body) {
        return admin().contentType(ContentType.JSON).body(body).when().post("/api/search").then();
    }

    @Test
    void ids() {
        problem(admin().when().get("/api/atoms/abc").then(), 400, "atom id must be a positive integer");
        problem(admin().when().get("/api/atoms/-4").then(), 400, "positive integer");
        problem(admin().when().get("/api/atoms/0").then(), 400, "positive integer");
        problem(admin().when().get("/api/atoms/99999999999999999999").then(), 400, "positive integer");
        problem(admin().when().get("/api/models/x/tensors").then(), 400, "model id");
        problem(admin().when().delete("/api/admin/keys/nope").then(), 400, "key id");
        problem(admin().when().get("/api/atoms/by-hash/abcd").then(), 400, "64 hexadecimal digits");
        problem(admin().when().get("/api/atoms/by-hash/" + "z".repeat(64)).then(), 400, "not hexadecimal");
    }

    @Test
    void notFoundAndUnknownRoutes() {
        problem(admin().when().get("/api/atoms/987654321").then(), 404, "atom 987654321 not found");
        problem(admin().when().get("/api/models/987654321/tensors").then(), 404, "not found");
        problem(admin().when().get("/api/no-such-thing").then(), 404, "no such resource");
        problem(admin().when().patch("/api/search").then(), 405, "HTTP method");
    }

    @Test
    void searchVectors() {
        problem(search(Map.of("k", 3)), 400, "vector is required");
        problem(search(Map.of("vector", List.of())), 400, "vector is required");
        problem(search(Map.of("vector", Collections.nCopies(1999, 0.5))), 400, "1999 numbers; at most 1998");
        problem(search(Map.of("vector", List.of(1, "x"))), 400, "vector");
        problem(search(Map.of("vector", List.of(1, 1e300))), 400, "vector[1] is not a finite");
    }

    @Test
    void searchBounds() {
        problem(search(Map.of("vector", List.of(1, 2), "k", 0)), 400, "k must be between 1 and 1000");
        problem(search(Map.of("vector", List.of(1, 2), "k", 1001)), 400, "k must be between 1 and 1000");
        problem(search(Map.of("vector", List.of(1, 2), "k", "ten")), 400, "k");
        problem(search(Map.of("vector", List.of(1, 2), "mode", "fuzzy")), 400, "unknown mode 'fuzzy'");
        problem(search(Map.of("vector", List.of(1, 2), "metric", "manhattan")), 400, "unknown metric");
        problem(search(Map.of("vector", List.of(1, 2), "candidates", -1)), 400, "candidates");
        problem(search(Map.of("vector", List.of(1, 2), "filters", Map.of("modality", "video"))), 400,
                "unknown modality 'video'");
        problem(search(Map.of("vector", List.of(1, 2), "filters", Map.of("modality", "image", "subtype", "pcm16"))),
                400, "unknown subtype 'pcm16'");
    }

    @Test
    void timestamps() {
        problem(search(Map.of("vector", List.of(1, 2), "filters", Map.of("createdFrom", "yesterday"))), 400,
                "filters.createdFrom must be an ISO-8601 timestamp");
        problem(search(Map.of("vector", List.of(1, 2), "filters",
                Map.of("createdFrom", "2025-02-01T00:00:00Z", "createdTo", "2025-01-01T00:00:00Z"))), 400,
                "is after");
        problem(admin().queryParam("from", "last week").when().get("/api/billing/usage").then(), 400,
                "from must be an ISO-8601 timestamp");
        problem(admin().queryParam("from", "2025-02-01").queryParam("to", "2025-01-01")
                .when().get("/api/billing/usage").then(), 400, "is after");
        problem(admin().queryParam("asOf", "31/01/2025").when().get("/api/models/1/tensors/w").then(), 400,
                "asOf must be an ISO-8601 timestamp");
    }

    @Test
    void bodies() {
        problem(admin().contentType(ContentType.JSON).body("{\"vector\": [1, 2").when().post("/api/search").then(),
                400, "not valid JSON");
        problem(admin().contentType(ContentType.JSON).body("{\"vectr\": [1, 2]}").when().post("/api/search").then(),
                400, "unknown field 'vectr'");
        problem(admin().contentType(ContentType.JSON).body("").when().post("/api/search").then(), 400,
                "body");
        problem(admin().contentType(ContentType.TEXT).body("hello").when().post("/api/search").then(), 415,
                "unsupported media type");
    }

    @Test
    void otherParameters() {
        problem(admin().queryParam("groupBy", "colour").when().get("/api/billing/usage").then(), 400,
                "unknown groupBy 'colour'");
        problem(admin().queryParam("depth", "0").when().get("/api/provenance/atoms/1/lineage").then(), 400,
                "depth must be between 1 and 32");
        problem(admin().queryParam("depth", "deep").when().get("/api/provenance/atoms/1/lineage").then(), 400,
                "depth must be an integer");
        problem(admin().queryParam("direction", "sideways").when().get("/api/provenance/atoms/1/lineage").then(),
                400, "unknown direction");
        problem(admin().queryParam("limit", "0").when().get("/api/atoms/1/compositions").then(), 400,
                "limit must be between 1 and 100000");
        problem(admin().queryParam("from", "-1").when().get("/api/atoms/1/compositions").then(), 400,
                "from must be between 0");
    }

    @Test
    void adminKeyBodies() {
        problem(admin().contentType(ContentType.JSON).body(Map.of("scopes", List.of("query")))
                .when().post("/api/admin/keys").then(), 400, "tenant is required");
        problem(admin().contentType(ContentType.JSON).body(Map.of("tenant", "t1"))
                .when().post("/api/admin/keys").then(), 400, "scopes is required");
        problem(admin().contentType(ContentType.JSON).body(Map.of("tenant", "t1", "scopes", List.of("root")))
                .when().post("/api/admin/keys").then(), 400, "unknown scope 'root'");
        problem(admin().contentType(ContentType.JSON).body(Map.of("tenant", "bad tenant!", "scopes",
                List.of("query"))).when().post("/api/admin/keys").then(), 400, "tenant id 'bad tenant!' is invalid");
        problem(admin().contentType(ContentType.JSON).body(Map.of("tenant", "t1", "scopes", List.of("query"),
                "expiresAt", "2001-01-01T00:00:00Z")).when().post("/api/admin/keys").then(), 400,
                "is not in the future");
        problem(admin().contentType(ContentType.JSON).body(Map.of("tenant", "t1", "scopes", List.of("query"),
                "rateLimitPerMinute", 0)).when().post("/api/admin/keys").then(), 400, "rateLimitPerMinute");
    }

    @Test
    void modelBodies() {
        problem(admin().contentType(ContentType.JSON).body(Map.of("dryRun", true))
                .when().post("/api/models/1/rollback").then(), 400, "exactly one of 'to'");
        problem(admin().contentType(ContentType.JSON).body(Map.of("to", "soon"))
                .when().post("/api/models/1/rollback").then(), 400, "to must be an ISO-8601 timestamp");
        problem(admin().contentType(ContentType.JSON).body(Map.of("name", " "))
                .when().post("/api/models/1/snapshots").then(), 400, "{name} is required");
        problem(admin().contentType(ContentType.JSON).body(Map.of("embeddingType", "x", "vector", List.of()))
                .when().put("/api/atoms/1/embeddings").then(), 400, "vector is required");
        problem(admin().contentType(ContentType.JSON).body(Map.of("vector", List.of(1)))
                .when().put("/api/atoms/1/embeddings").then(), 400, "embeddingType is required");
    }
}
