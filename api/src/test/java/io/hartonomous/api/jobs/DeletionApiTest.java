package io.hartonomous.api.jobs;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code DELETE /api/atoms/{id}} and {@code GET /api/jobs/{id}} over HTTP with the embedded engine: two real PNGs
 * sharing colours (basn0g01 is black and white, basn0g02 four greys including both), one deleted; the other
 * reconstructs byte for byte; other tenants get 404 (or 403 asking to act for someone else).
 */
@QuarkusTest
class DeletionApiTest {
    @Inject
    StorageEngine engine;

    /** Polls the job until it is no longer RUNNING. */
    private static Response finished(String key, long jobId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Response job = as(key).when().get("/api/jobs/" + jobId).then().statusCode(200).extract().response();
            if (!"RUNNING".equals(job.path("state"))) {
                return job;
            }
            assertThat(System.nanoTime()).as("job " + jobId + " finishes").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void theOwnerDeletesAFileAndTheOverlappingOneStaysBitIdentical() throws Exception {
        String tenant = Api.newTenant("del");
        String ingest = Api.keyFor(tenant, "ingest", "query");
        Seed seed = new Seed(engine);
        long grey = seed.image(tenant, TestData.file("images/pngsuite/basic/basn0g02.png"));
        long blackWhite = seed.image(tenant, TestData.file("images/pngsuite/basic/basn0g01.png"));
        byte[] before = as(ingest).when().get("/api/atoms/" + blackWhite + "/content").then().statusCode(200)
                .extract().asByteArray();

        Response accepted = as(ingest).when().delete("/api/atoms/" + grey).then().statusCode(202)
                .header("Location", containsString("/api/jobs/"))
                .body("kind", equalTo("deletion")).body("atomId", equalTo((int) grey))
                .body("ownershipOnly", equalTo(false)).body("rowsTotal", equalTo(32 * 32))
                .extract().response();
        long jobId = accepted.jsonPath().getLong("jobId");

        Response done = finished(ingest, jobId);
        assertThat(done.<String>path("state")).isEqualTo("COMPLETED");
        assertThat(done.<Integer>path("rowsDone")).isEqualTo(32 * 32);
        assertThat(done.<Integer>path("leavesPurged")).as("the two greys only basn0g02 has").isEqualTo(2);
        assertThat(done.<Object>path("error")).isNull();

        as(ingest).when().get("/api/atoms/" + grey).then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        byte[] after = as(ingest).when().get("/api/atoms/" + blackWhite + "/content").then().statusCode(200)
                .extract().asByteArray();
        assertThat(after).as("the other file, rebuilt from its atoms").isEqualTo(before);
        as(ingest).when().delete("/api/atoms/" + grey).then().statusCode(404);
    }

    @Test
    void otherTenantsNeitherDeleteNorSeeTheJob() throws Exception {
        String owner = Api.newTenant("del-owner");
        String stranger = Api.newTenant("del-stranger");
        String ownerKey = Api.keyFor(owner, "ingest", "query");
        String strangerKey = Api.keyFor(stranger, "ingest", "query", "admin");
        long file = new Seed(engine).image(owner, TestData.file("images/pngsuite/basic/basn0g04.png"));

        as(strangerKey).when().delete("/api/atoms/" + file).then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        as(strangerKey).queryParam("tenant", owner).when().delete("/api/atoms/" + file).then().statusCode(403)
                .body("detail", containsString("bootstrap tenant"));
        as(Api.keyFor(owner, "query")).when().delete("/api/atoms/" + file).then().statusCode(403);
        as(ownerKey).queryParam("erase", "maybe").when().delete("/api/atoms/" + file).then().statusCode(400)
                .body("detail", containsString("erase"));
        as(ownerKey).when().get("/api/atoms/" + file).then().statusCode(200);

        // The operator (bootstrap admin) deletes it for the owner, erasing its history too.
        long jobId = Api.admin().queryParam("tenant", owner).queryParam("erase", "true").when()
                .delete("/api/atoms/" + file).then().statusCode(202).body("tenant", equalTo(owner))
                .body("erase", equalTo(true)).extract().jsonPath().getLong("jobId");
        as(strangerKey).when().get("/api/jobs/" + jobId).then().statusCode(404);
        assertThat(finished(ownerKey, jobId).<String>path("state")).isEqualTo("COMPLETED");
        as(ownerKey).when().get("/api/atoms/" + file).then().statusCode(404);
        as(ownerKey).when().get("/api/jobs/" + Long.MAX_VALUE).then().statusCode(404);
        as(ownerKey).when().get("/api/jobs/abc").then().statusCode(400);
    }

    @Test
    void aSecondOwnerKeepsTheFile() throws Exception {
        String first = Api.newTenant("del-a");
        String second = Api.newTenant("del-b");
        Seed seed = new Seed(engine);
        long file = seed.image(first, TestData.file("images/pngsuite/basic/basn3p02.png"));
        assertThat(seed.image(second, TestData.file("images/pngsuite/basic/basn3p02.png"))).isEqualTo(file);

        as(Api.keyFor(first, "ingest", "query")).when().delete("/api/atoms/" + file).then().statusCode(202)
                .body("state", equalTo("COMPLETED")).body("ownershipOnly", equalTo(true));
        as(Api.keyFor(first, "query")).when().get("/api/atoms/" + file).then().statusCode(404);
        as(Api.keyFor(second, "query")).when().get("/api/atoms/" + file + "/content").then().statusCode(200);
    }
}
