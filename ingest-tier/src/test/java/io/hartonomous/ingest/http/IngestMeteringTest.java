package io.hartonomous.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.ingest.atomize.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.billing.Multiplier;
import io.hartonomous.storage.contract.billing.MultiplierKind;
import io.hartonomous.storage.contract.billing.OperationRate;
import io.hartonomous.storage.contract.billing.StatementLine;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Ingests are billed through the usage ledger (units: pixels, samples, weights), priced by the tenant's plan, once
 * per completed file; a deduplicated re-upload is one unit of {@code ingest.<modality>.dedup}; a request refused by
 * the key's rate limit is neither ingested nor billed.
 */
@QuarkusTest
class IngestMeteringTest {
    @Inject
    StorageEngine storage;

    private static byte[] file(String relative) throws Exception {
        return Files.readAllBytes(TestData.file(relative));
    }

    /** A fresh tenant with an ingest key allowed {@code perMinute} requests. */
    private String keyOfNewTenant(String tenant, int perMinute) {
        String key = "metering-" + UUID.randomUUID();
        storage.apiKeys().create(new NewApiKey(tenant, "metering test", KeyHash.ofKey(key), EnumSet.of(Scope.INGEST),
                perMinute, null));
        return key;
    }

    private Map<String, UsageGroup> usage(String tenant) {
        return storage.forTenant(tenant).usage().usage(null, null, UsageGrouping.OPERATION).stream()
                .collect(Collectors.toMap(UsageGroup::key, g -> g));
    }

    private static void post(String key, String modality, byte[] body, int status) {
        given().header("X-Api-Key", key).body(body).contentType(ContentType.BINARY).when()
                .post("/ingest/" + modality).then().statusCode(status);
    }

    @Test
    void anImageASoundAndAModelAreBilledInPixelsSamplesAndWeights() throws Exception {
        String tenant = "meter-" + UUID.randomUUID().toString().substring(0, 8);
        String plan = "ingest-" + tenant;
        storage.billing().putPlan(plan, "USD");
        storage.billing().putRate(plan, new OperationRate("ingest.image", new BigDecimal("0.001"), "pixel"));
        storage.billing().putMultiplier(plan, new Multiplier("png", MultiplierKind.CONTENT_TYPE, "image/png",
                new BigDecimal("2")));
        storage.billing().assign(tenant, plan);
        String key = keyOfNewTenant(tenant, 1000);

        byte[] png = file("images/pngsuite/basic/basn3p08.png");
        post(key, "image", png, 201);
        byte[] wav = file("audio/derived/f32-stereo.wav");
        post(key, "audio", wav, 201);
        post(key, "model", file("models/gguf/types-v2.gguf"), 201);
        // Its tensors' element counts as gguf-py, which wrote the file, lists them.
        long weights = 0;
        for (JsonNode tensor : new ObjectMapper().readTree(file("models/gguf/types-v2.gguf.ref.json")).get("tensors")) {
            long elements = 1;
            for (JsonNode dim : tensor.get("shape")) {
                elements *= dim.asLong();
            }
            weights += elements;
        }

        Map<String, UsageGroup> usage = usage(tenant);
        // basn3p08.png is 32 × 32: 1024 pixels at 0.001 × 2 (image/png) = 2.048
        assertThat(usage.get("ingest.image").requests()).isEqualTo(1);
        assertThat(usage.get("ingest.image").units()).isEqualTo(32 * 32);
        assertThat(usage.get("ingest.image").cost()).isEqualTo(new BigDecimal("2.048000"));
        // Samples are frames × channels, as the JDK's own reader of the file counts them.
        AudioFileFormat sound = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(wav));
        assertThat(usage.get("ingest.audio").units())
                .isEqualTo((long) sound.getFrameLength() * sound.getFormat().getChannels()).isEqualTo(71_042L * 2);
        // Weights are the model's tensor elements; no rate for models in this plan: recorded at cost 0.
        assertThat(usage.get("ingest.model").units()).isEqualTo(weights).isEqualTo(3517);
        assertThat(usage.get("ingest.model").cost()).isEqualTo(new BigDecimal("0.000000"));

        List<StatementLine> lines = storage.forTenant(tenant).usage().statement(null, null);
        assertThat(lines).filteredOn(l -> l.operation().equals("ingest.image")).singleElement().satisfies(l -> {
            assertThat(l.plan()).isEqualTo(plan);
            assertThat(l.unit()).isEqualTo("pixel");
            assertThat(l.multipliers()).extracting(m -> m.criteria()).containsExactly("image/png");
        });

        // The same file again: nothing atomized, one unit of the dedup operation, the image not billed again.
        given().header("X-Api-Key", key).body(png).contentType(ContentType.BINARY).when().post("/ingest/image")
                .then().statusCode(200).body("deduplicated", equalTo(true));
        usage = usage(tenant);
        assertThat(usage.get("ingest.image").requests()).isEqualTo(1);
        assertThat(usage.get("ingest.image.dedup").requests()).isEqualTo(1);
        assertThat(usage.get("ingest.image.dedup").units()).isEqualTo(1);
    }

    @Test
    void anIngestOverTheKeysRateLimitIs429AndNotBilled() throws Exception {
        String tenant = "limited-" + UUID.randomUUID().toString().substring(0, 8);
        String key = keyOfNewTenant(tenant, 1);
        post(key, "image", file("images/pngsuite/basic/basn4a08.png"), 201);
        given().header("X-Api-Key", key).body(file("images/pngsuite/basic/basn0g16.png"))
                .contentType(ContentType.BINARY).when().post("/ingest/image").then().statusCode(429)
                .contentType("application/problem+json").header("Retry-After", org.hamcrest.Matchers.notNullValue());
        Map<String, UsageGroup> usage = usage(tenant);
        assertThat(usage.keySet()).containsExactly("ingest.image");
        assertThat(usage.get("ingest.image").requests()).isEqualTo(1);
        assertThat(usage.get("ingest.image").units()).isEqualTo(32 * 32);
    }
}
