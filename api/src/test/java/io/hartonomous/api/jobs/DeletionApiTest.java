package io.hartonomous.api.jobs;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

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
    @Inject
    DeletionRunner runner;

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
        long grey = seed.image(tenant, testImage("basn0g02"));
        long blackWhite = seed.image(tenant, testImage("basn0g01"));
        byte[] before = as(ingest).when().get("/api/atoms/" + blackWhite + "/content").then().statusCode(200)
                .extract().asByteArray();
        // Other tests' files may share these greys too (the application's database is shared): counts are compared
        // with what they were just before the deletion, which takes exactly basn0g02's references away, and a grey
        // is purged exactly when basn0g02 was all that referenced it (the contract tests purge on their own data).
        Seed.Media deletedMedia = Seed.imageMedia(testImage("basn0g02"));
        Map<ByteBuffer, Long> deleted = occurrences(deletedMedia);
        TenantStorage t = engine.forTenant(tenant);
        Map<ByteBuffer, Long> countsBefore = referenceCounts(t, deletedMedia, deleted.keySet());
        long onlyTheDeletedFile = deleted.entrySet().stream()
                .filter(e -> countsBefore.get(e.getKey()).equals(e.getValue())).count();

        Response accepted = as(ingest).when().delete("/api/atoms/" + grey).then().statusCode(202)
                .header("Location", containsString("/api/jobs/"))
                .body("kind", equalTo("deletion")).body("atomId", equalTo((int) grey))
                .body("ownershipOnly", equalTo(false)).body("rowsTotal", equalTo(32 * 32))
                .extract().response();
        long jobId = accepted.jsonPath().getLong("jobId");

        Response done = finished(ingest, jobId);
        assertThat(done.<String>path("state")).isEqualTo("COMPLETED");
        assertThat(done.<Integer>path("rowsDone")).isEqualTo(32 * 32);
        assertThat(done.jsonPath().getLong("leavesPurged")).as("the greys nothing else references")
                .isEqualTo(onlyTheDeletedFile);
        assertThat(done.<Object>path("error")).isNull();

        as(ingest).when().get("/api/atoms/" + grey).then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        byte[] after = as(ingest).when().get("/api/atoms/" + blackWhite + "/content").then().statusCode(200)
                .extract().asByteArray();
        assertThat(after).as("the other file, rebuilt from its atoms").isEqualTo(before);
        as(ingest).when().delete("/api/atoms/" + grey).then().statusCode(404);

        Map<ByteBuffer, Long> countsAfter = referenceCounts(t, deletedMedia, deleted.keySet());
        deleted.forEach((value, n) -> assertThat(countsAfter.get(value)).as("references of a leaf (0: purged)")
                .isEqualTo(countsBefore.get(value) - n));
        assertThat(occurrences(Seed.imageMedia(testImage("basn0g01"))).keySet()).as("basn0g01's leaves are kept")
                .allSatisfy(v -> assertThat(countsAfter.get(v)).isPositive());
    }

    /** The reference count of each value's leaf (0 when there is no such leaf). */
    private static Map<ByteBuffer, Long> referenceCounts(TenantStorage t, Seed.Media media,
                                                         java.util.Collection<ByteBuffer> values) {
        Map<ByteBuffer, Long> counts = new HashMap<>();
        for (ByteBuffer v : values) {
            counts.put(v, t.atoms().byHash(leaf(media, v)).map(Atom::referenceCount).orElse(0L));
        }
        return counts;
    }

    private static Path testImage(String name) {
        return TestData.file("images/pngsuite/basic/" + name + ".png");
    }

    /** How often each leaf value occurs in a file: the reference count it contributes. */
    private static Map<ByteBuffer, Long> occurrences(Seed.Media media) {
        Map<ByteBuffer, Long> counts = new HashMap<>();
        for (int row = 0; row < media.rows(); row++) {
            counts.merge(ByteBuffer.wrap(Arrays.copyOfRange(media.values(), row * media.valueBytes(),
                    (row + 1) * media.valueBytes())), 1L, Long::sum);
        }
        return counts;
    }

    private static ContentHash leaf(Seed.Media media, ByteBuffer value) {
        return NewAtom.of(media.type(), value.array()).contentHash();
    }

    @Test
    void aLeafAtomIsNotAFileAndAnUnknownIdIsNotFound() throws Exception {
        String tenant = Api.newTenant("del-leaf");
        String ingest = Api.keyFor(tenant, "ingest", "query");
        new Seed(engine).image(tenant, testImage("basn0g01"));
        Seed.Media media = Seed.imageMedia(testImage("basn0g01"));
        long leafId = engine.forTenant(tenant).atoms()
                .byHash(leaf(media, occurrences(media).keySet().iterator().next())).orElseThrow().atomId();

        as(ingest).when().delete("/api/atoms/" + leafId).then().statusCode(409)
                .contentType(containsString("application/problem+json")).body("detail", containsString("leaf"));
        as(ingest).when().delete("/api/atoms/" + Long.MAX_VALUE).then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        as(ingest).when().delete("/api/atoms/x1").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
        as(ingest).when().get("/api/atoms/" + leafId).then().statusCode(200);
    }

    /**
     * The same samples in two containers (24-bit mono as WAVE_FORMAT_EXTENSIBLE and as plain PCM; no other test
     * stores them, so nobody else owns the first): every leaf of the file being deleted is one the other file
     * references too. Deleting the first while the second is ingested on another thread loses nothing: the second
     * ends with exactly its own references and decodes to its samples.
     */
    @Test
    void deletingAWavWhileTheSameSamplesInAnotherContainerAreIngestedLosesNothing() throws Exception {
        String tenant = Api.newTenant("del-wav");
        String key = Api.keyFor(tenant, "ingest", "query");
        Seed seed = new Seed(engine);
        Path wav = TestData.file("audio/derived/s24-mono-ext.wav");
        Path plain = TestData.file("audio/derived/s24-mono-pcm.wav");
        byte[] samples = Files.readAllBytes(Path.of(plain + ".raw"));
        assertThat(Files.readAllBytes(Path.of(wav + ".raw"))).as("the same samples").isEqualTo(samples);
        Seed.Media media = Seed.audioMedia(plain);
        Map<ByteBuffer, Long> occurrences = occurrences(media);
        TenantStorage t = engine.forTenant(tenant);
        Map<ByteBuffer, Long> countsBefore = referenceCounts(t, media, occurrences.keySet());
        long first = seed.audio(tenant, wav);

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Long> second = pool.submit(() -> seed.audio(tenant, plain));
            long jobId = as(key).when().delete("/api/atoms/" + first).then().statusCode(202)
                    .body("ownershipOnly", equalTo(false)).extract().jsonPath().getLong("jobId");
            long other = second.get(60, TimeUnit.SECONDS);
            Response done = finished(key, jobId);
            assertThat(done.<String>path("state")).isEqualTo("COMPLETED");
            assertThat(done.jsonPath().getLong("rowsDone")).isEqualTo(samples.length / 3);

            as(key).when().get("/api/atoms/" + first).then().statusCode(404);
            assertThat(t.atoms().compositionCount(other)).isEqualTo(samples.length / 3);
            Map<ByteBuffer, Long> countsAfter = referenceCounts(t, media, occurrences.keySet());
            occurrences.forEach((value, n) -> assertThat(countsAfter.get(value))
                    .as("references of a sample value: the second file's, none of the first's")
                    .isEqualTo(countsBefore.get(value) + n));

            byte[] body = as(key).when().get("/api/atoms/" + other + "/content").then().statusCode(200)
                    .extract().asByteArray();
            try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(body))) {
                assertThat(in.readAllBytes()).as("the other file's samples, bit for bit").isEqualTo(samples);
            }
        } finally {
            // Never interrupted: an interrupt inside an H2 file read closes the database's file channel.
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
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

    /** A job a stopped process left RUNNING (requested, no batch run) is finished by the next start's resume. */
    @Test
    void aJobLeftRunningIsFinishedWhenTheRunnerResumes() throws Exception {
        String tenant = Api.newTenant("del-resume");
        String key = Api.keyFor(tenant, "ingest", "query");
        long file = new Seed(engine).image(tenant, testImage("basn3p01"));
        DeletionJob left = engine.deletions().request(tenant, file, false);
        assertThat(left.finished()).isFalse();
        Thread.sleep(200);
        as(key).when().get("/api/jobs/" + left.jobId()).then().statusCode(200).body("state", equalTo("RUNNING"))
                .body("rowsDone", equalTo(0));

        runner.resumeUnfinished();
        Response done = finished(key, left.jobId());
        assertThat(done.<String>path("state")).isEqualTo("COMPLETED");
        assertThat(done.jsonPath().getLong("rowsDone")).isEqualTo(left.rowsTotal()).isEqualTo(32 * 32);
        as(key).when().get("/api/atoms/" + file).then().statusCode(404);
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
