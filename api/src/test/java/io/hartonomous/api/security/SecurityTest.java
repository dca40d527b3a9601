package io.hartonomous.api.security;

import io.hartonomous.api.testing.Api;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.admin;
import static io.hartonomous.api.testing.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class SecurityTest {
    @Inject
    StorageEngine engine;

    @Test
    void requestsWithoutAValidKeyAre401ProblemsWithAChallenge() {
        given().when().get("/api/models").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("X-Api-Key"))
                .body("status", equalTo(401), "detail", containsString("X-Api-Key"));
        as("hk_nonsense").when().get("/api/models").then().statusCode(401)
                .body("detail", equalTo("the API key is not valid"));
        as("x".repeat(5000)).when().get("/api/models").then().statusCode(401);
    }

    @Test
    void adminCreatesAKeyShownOnceStoredOnlyAsItsHashAndRevokesIt() {
        String tenant = Api.newTenant("sec");
        var created = admin().contentType(ContentType.JSON)
                .body(Map.of("tenant", tenant, "scopes", List.of("query"), "name", "reader"))
                .when().post("/api/admin/keys")
                .then().statusCode(201)
                .header("Location", containsString("/api/admin/keys/"))
                .body("key", matchesPattern("hk_[0-9a-f]{48}"), "tenant", equalTo(tenant),
                        "scopes", equalTo(List.of("query")), "rateLimitPerMinute", equalTo(600))
                .extract();
        String key = created.path("key");
        long id = ((Number) created.path("keyId")).longValue();

        var stored = engine.apiKeys().findByHash(KeyHash.ofKey(key)).orElseThrow();
        assertThat(stored.tenantId()).isEqualTo(tenant);
        admin().when().get("/api/admin/keys").then().statusCode(200)
                .body("keyId", hasItem((int) id))
                .body("key", not(hasItem(key)));

        as(key).when().get("/api/models").then().statusCode(200);
        admin().when().delete("/api/admin/keys/" + id).then().statusCode(204);
        as(key).when().get("/api/models").then().statusCode(401).body("detail", containsString("revoked"));
        admin().when().delete("/api/admin/keys/" + id).then().statusCode(404);
    }

    @Test
    void expiredKeysAreRefused() throws Exception {
        String tenant = Api.newTenant("exp");
        String key = admin().contentType(ContentType.JSON)
                .body(Map.of("tenant", tenant, "scopes", List.of("query"),
                        "expiresAt", Instant.now().plusMillis(1500).toString()))
                .when().post("/api/admin/keys").then().statusCode(201).extract().path("key");
        as(key).when().get("/api/models").then().statusCode(200);
        Thread.sleep(1700);
        as(key).when().get("/api/models").then().statusCode(401).body("detail", containsString("expired"));
    }

    @Test
    void aKeyWithoutTheScopeIs403() {
        String tenant = Api.newTenant("scope");
        String reader = Api.keyFor(tenant, "query");
        as(reader).when().get("/api/stats").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("'admin' scope"));
        as(reader).contentType(ContentType.JSON).body(Map.of("embeddingType", "x", "vector", List.of(1, 2)))
                .when().put("/api/atoms/1/embeddings").then().statusCode(403);
        String writer = Api.keyFor(tenant, "ingest");
        as(writer).when().get("/api/models").then().statusCode(403);
    }

    @Test
    void aTenantAdminManagesOnlyItsOwnTenantsKeys() {
        String tenant = Api.newTenant("tadmin");
        String tenantAdmin = Api.keyFor(tenant, "admin");
        as(tenantAdmin).contentType(ContentType.JSON)
                .body(Map.of("tenant", "someone-else", "scopes", List.of("query")))
                .when().post("/api/admin/keys").then().statusCode(403);
        as(tenantAdmin).contentType(ContentType.JSON)
                .body(Map.of("tenant", tenant, "scopes", List.of("query")))
                .when().post("/api/admin/keys").then().statusCode(201);
        as(tenantAdmin).when().get("/api/admin/keys").then().statusCode(200)
                .body("tenant.unique()", equalTo(List.of(tenant)));
    }

    @Test
    void rateLimitedKeysGet429WithRetryAfter() {
        String key = Api.keyFor(Api.newTenant("rate"), 3, "query");
        for (int i = 0; i < 3; i++) {
            as(key).when().get("/api/models").then().statusCode(200);
        }
        as(key).when().get("/api/models").then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", matchesPattern("[1-9][0-9]*"))
                .body("detail", containsString("3 requests per minute"));
    }
}
