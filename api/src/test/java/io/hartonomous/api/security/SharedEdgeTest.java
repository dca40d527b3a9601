package io.hartonomous.api.security;

import io.hartonomous.api.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.hartonomous.api.testing.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The shared edge's key rule as the API applies it (the ingest tier's IngestEdgeTest checks the same there). */
@QuarkusTest
class SharedEdgeTest {
    @Test
    void missingAndInvalidKeysAreTitledApartAndKeysAreStripped() {
        given().when().get("/api/models").then().statusCode(401).contentType("application/problem+json")
                .body("title", equalTo("Missing API key"), "instance", equalTo("/api/models"));
        String key = Api.keyFor(Api.newTenant("edge"), "query");
        as("  " + key + "\t").when().get("/api/models").then().statusCode(200);
        as("k".repeat(257)).when().get("/api/models").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("X-Api-Key"))
                .body("title", equalTo("Invalid API key"), "detail", equalTo("the API key is not valid"));
    }
}
