package io.hartonomous.ingest.http;

import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.Scope;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/** The shared edge (key rule, per-key rate limit, problem+json) as the ingest tier applies it. */
@QuarkusTest
class IngestEdgeTest {
    @Inject
    StorageEngine storage;

    private String key(String key, int perMinute) {
        storage.apiKeys().create(new NewApiKey("edge", "ingest edge test", KeyHash.ofKey(key),
                EnumSet.of(Scope.INGEST), perMinute, null));
        return key;
    }

    @Test
    void aMissingKeyIsA401ProblemWithAChallenge() {
        given().body(new byte[] {1}).contentType(ContentType.BINARY).when().post("/ingest/image")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("X-Api-Key"))
                .body("status", equalTo(401), "title", equalTo("Missing API key"),
                        "detail", containsString("X-Api-Key"), "instance", equalTo("/ingest/image"));
    }

    @Test
    void keysAreStrippedAndCappedAt256Characters() {
        String longest = key("i".repeat(256), 1000);
        given().header("X-Api-Key", " " + longest + " ").when().get("/ingest/jobs/999999").then().statusCode(404)
                .contentType("application/problem+json");
        given().header("X-Api-Key", longest + "i").when().get("/ingest/jobs/999999").then().statusCode(401)
                .contentType("application/problem+json").body("title", equalTo("Invalid API key"),
                        "detail", equalTo("the API key is not valid"));
    }

    @Test
    void aKeyOverItsLimitGets429WithRetryAfter() {
        String limited = key("ingest-limited-key", 2);
        for (int i = 0; i < 2; i++) {
            given().header("X-Api-Key", limited).when().get("/ingest/jobs/999999").then().statusCode(404);
        }
        given().header("X-Api-Key", limited).when().get("/ingest/jobs/999999").then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", matchesPattern("[1-9][0-9]*"))
                .body("detail", containsString("2 requests per minute"));
    }
}
