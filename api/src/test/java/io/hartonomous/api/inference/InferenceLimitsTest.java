package io.hartonomous.api.inference;

import ai.onnxruntime.OrtSession;
import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.formats.onnx.OnnxStructure;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.models.Model;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;

/**
 * The memory bounds, set tiny: a model larger than hart.inference.max-model-bytes is refused from its tensor table,
 * the session cache holds at most hart.inference.cache-bytes (least recently used out), and a run takes at most
 * hart.inference.max-input-elements.
 */
@QuarkusTest
@TestProfile(InferenceLimitsTest.Tiny.class)
class InferenceLimitsTest {
    static final long LIMIT = 400;

    public static final class Tiny implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hart.inference.max-model-bytes", Long.toString(LIMIT),
                    "hart.inference.cache-bytes", Long.toString(LIMIT),
                    "hart.inference.max-input-elements", "20");
        }
    }

    @Inject
    StorageEngine engine;

    String tenant;
    String key;

    /** What the API counts for a model: its tensors' bytes plus its structure. */
    static long size(Path file) throws Exception {
        long tensors = Files.size(Path.of(file + ".ref.bin"));
        return tensors + OnnxStructure.strip(MemorySegment.ofArray(Files.readAllBytes(file))).length;
    }

    private ValidatableResponse run(Model model, String name) throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        try (OrtSession session = OnnxFixtures.session(OnnxFixtures.libonnx(name))) {
            OnnxFixtures.inputs(session, OnnxFixtures.protos(name, "input"))
                    .forEach((input, t) -> inputs.put(input, OnnxFixtures.json(t)));
        }
        return as(key).contentType(ContentType.JSON).body(Map.of("inputs", inputs))
                .when().post("/api/models/" + model.modelId() + "/run").then();
    }

    private Model seed(String name) throws Exception {
        return new Seed(engine).onnx(tenant, OnnxFixtures.libonnx(name));
    }

    @Test
    void aModelOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        tenant = Api.newTenant("limits");
        key = Api.keyFor(tenant, "query");
        Model big = seed("test_ConvTranspose2d");
        assertThat(Files.size(Path.of(OnnxFixtures.libonnx("test_ConvTranspose2d") + ".ref.bin"))).isGreaterThan(LIMIT);
        run(big, "test_ConvTranspose2d").statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("model " + big.modelId() + " needs "),
                        "detail", containsString("more than the limit of 400 bytes (hart.inference.max-model-bytes)"));
        as(key).queryParam("model", big.modelId()).when().get("/api/inference").then().body("$", hasSize(0));
    }

    @Test
    void theCacheEvictsTheLeastRecentlyUsedModelAndInputsAreBounded() throws Exception {
        tenant = Api.newTenant("evict");
        key = Api.keyFor(tenant, "query");
        long e = size(OnnxFixtures.libonnx("test_Embedding"));
        long d = size(OnnxFixtures.libonnx("test_operator_repeat_dim_overflow"));
        assertThat(e).isLessThanOrEqualTo(LIMIT);
        assertThat(d).isLessThanOrEqualTo(LIMIT);
        assertThat(e + d).as("both do not fit together").isGreaterThan(LIMIT);
        Model embedding = seed("test_Embedding");
        Model pairs = seed("test_operator_repeat_dim_overflow");

        run(embedding, "test_Embedding").statusCode(200).header(RunResource.CACHE_HEADER, "miss");
        run(embedding, "test_Embedding").statusCode(200).header(RunResource.CACHE_HEADER, "hit");
        run(pairs, "test_operator_repeat_dim_overflow").statusCode(200).header(RunResource.CACHE_HEADER, "miss");
        run(embedding, "test_Embedding").statusCode(200).header(RunResource.CACHE_HEADER, "miss");

        Model repeat = seed("test_operator_repeat"); // input [1, 2, 3, 4]: 24 elements, the limit is 20
        run(repeat, "test_operator_repeat").statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("24 elements, more than the limit of 20 per run"));
        as(key).queryParam("model", repeat.modelId()).when().get("/api/inference").then().body("$", hasSize(0));
    }
}
