package io.hartonomous.ingest.http;

import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

/** The ingest endpoint over real HTTP, on the embedded engine, with real third-party files. */
@QuarkusTest
class IngestResourceTest {
    private static final String KEY = "test-admin-key";

    @Inject
    StorageEngine storage;

    private static byte[] file(String relative) throws Exception {
        Path root = Path.of(System.getProperty("user.dir"));
        while (!Files.isDirectory(root.resolve("testdata"))) {
            root = root.getParent();
        }
        return Files.readAllBytes(root.resolve("testdata/cache").resolve(relative));
    }

    @Test
    void imageIsIngestedOnceThenDeduplicated() throws Exception {
        byte[] png = file("images/pngsuite/basic/basn6a16.png");
        Map<String, Object> created = given().header("X-Api-Key", KEY).body(png)
                .contentType(ContentType.BINARY).queryParam("name", "basn6a16.png")
                .when().post("/ingest/image")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("modality", equalTo("image")).body("state", equalTo("COMPLETED"))
                .body("compositions", equalTo(32 * 32)).body("newAtoms", greaterThan(0))
                .body("deduplicated", equalTo(false))
                .extract().as(Map.class);

        given().header("X-Api-Key", KEY).body(png).contentType(ContentType.BINARY)
                .when().post("/ingest/image")
                .then().statusCode(200).body("deduplicated", equalTo(true))
                .body("atomId", equalTo(created.get("atomId"))).body("newAtoms", equalTo(0));

        given().header("X-Api-Key", KEY).when().get("/ingest/jobs/" + created.get("jobId"))
                .then().statusCode(200).body("state", equalTo("COMPLETED")).body("name", equalTo("basn6a16.png"))
                .body("bytesDone", equalTo(png.length)).body("bytesTotal", equalTo(png.length));
    }

    @Test
    void audioAndModelFilesAreIngested() throws Exception {
        given().header("X-Api-Key", KEY).body(file("audio/derived/s16-22k.wav")).contentType(ContentType.BINARY)
                .when().post("/ingest/audio")
                .then().statusCode(201).body("modality", equalTo("audio")).body("compositions", greaterThan(1000));
        given().header("X-Api-Key", KEY).body(file("models/gguf/types.gguf")).contentType(ContentType.BINARY)
                .when().post("/ingest/model")
                .then().statusCode(201).body("modality", equalTo("model")).body("compositions", greaterThan(0));
    }

    @Test
    void missingWrongOrUnderprivilegedKeysAreRefused() {
        given().body(new byte[] {1}).contentType(ContentType.BINARY).when().post("/ingest/image")
                .then().statusCode(401).contentType("application/problem+json").body("detail", containsString("X-Api-Key"));
        given().header("X-Api-Key", "nope").body(new byte[] {1}).contentType(ContentType.BINARY)
                .when().post("/ingest/image").then().statusCode(401).body("title", equalTo("Invalid API key"));
        storage.apiKeys().create(new NewApiKey("reader", "query only", KeyHash.ofKey("query-only-key"),
                EnumSet.of(Scope.QUERY), 10, null));
        given().header("X-Api-Key", "query-only-key").body(new byte[] {1}).contentType(ContentType.BINARY)
                .when().post("/ingest/image").then().statusCode(403).body("detail", containsString("ingest"));
    }

    @Test
    void badInputGetsAProblemAndLeavesNoRows() throws Exception {
        Map<String, Long> before = storage.rowCounts();
        given().header("X-Api-Key", KEY).body(file("audio/alsa/Noise.wav")).contentType(ContentType.BINARY)
                .when().post("/ingest/image")
                .then().statusCode(415).contentType("application/problem+json")
                .body("detail", containsString("/ingest/audio"));
        given().header("X-Api-Key", KEY).body(file("images/pngsuite/corrupted/xcrn0g04.png"))
                .contentType(ContentType.BINARY).when().post("/ingest/image")
                .then().statusCode(greaterThan(399)).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
        given().header("X-Api-Key", KEY).body(file("audio/derived/mono.flac")).contentType(ContentType.BINARY)
                .when().post("/ingest/audio").then().statusCode(415).body("detail", containsString("FLAC"));
        given().header("X-Api-Key", KEY).body(new byte[] {1, 2, 3}).contentType(ContentType.BINARY)
                .when().post("/ingest/video").then().statusCode(404).contentType("application/problem+json");
        given().header("X-Api-Key", KEY).body(new byte[0]).contentType(ContentType.BINARY)
                .when().post("/ingest/image").then().statusCode(400).body("detail", containsString("empty"));
        given().header("X-Api-Key", KEY).when().get("/ingest/jobs/999999").then().statusCode(404);
        assertThat(storage.rowCounts()).isEqualTo(before);
    }
}
