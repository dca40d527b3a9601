package io.hartonomous.ingest.http;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;

/**
 * An upload above {@code hart.ingest.async-threshold-bytes} (set low here, through the configuration mapping) is
 * answered 202 with the job and its Location, and finishes in the background.
 */
@QuarkusTest
@TestProfile(IngestResourceBackgroundTest.LowThreshold.class)
class IngestResourceBackgroundTest {
    private static final String KEY = "test-admin-key";

    public static final class LowThreshold implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hart.ingest.async-threshold-bytes", "1000");
        }
    }

    @Test
    void largeUploadIsAcceptedAndCompletesInTheBackground() throws Exception {
        Path root = Path.of(System.getProperty("user.dir"));
        while (!Files.isDirectory(root.resolve("testdata"))) {
            root = root.getParent();
        }
        byte[] wav = Files.readAllBytes(root.resolve("testdata/cache/audio/derived/s16-22k.wav"));
        assertThat(wav.length).isGreaterThan(1000);
        String location = given().header("X-Api-Key", KEY).body(wav).contentType(ContentType.BINARY)
                .when().post("/ingest/audio")
                .then().statusCode(202).contentType(ContentType.JSON)
                .header("Location", containsString("/ingest/jobs/")).body("state", equalTo("RUNNING"))
                .body("bytesTotal", equalTo(wav.length))
                .extract().header("Location");
        String path = location.substring(location.indexOf("/ingest/jobs/"));
        long deadline = System.nanoTime() + 60_000_000_000L;
        String state = "RUNNING";
        while (state.equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            state = given().header("X-Api-Key", KEY).when().get(path).then().statusCode(200)
                    .extract().path("state");
        }
        assertThat(state).isEqualTo("COMPLETED");
    }
}
