package io.hartonomous.api.inference;

import ai.onnxruntime.OrtSession;
import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.formats.onnx.TensorProto;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.models.Model;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Stored ONNX models run through the API, checked against two oracles nobody here wrote: libonnx-testdata's expected
 * outputs for its inputs, and ONNX Runtime on the original file in this JVM (bit for bit). The models are seeded the
 * way an ingest stores them: structure stripped, tensors as python3-onnx decoded them.
 */
@QuarkusTest
class RunModelsTest {
    /**
     * Tolerance against the expected outputs, as ONNX Runtime's own backend test runner compares with these data sets
     * (numpy assert_allclose, rtol 1e-3, atol 1e-5): the expected values were computed in float64 by the exporters.
     */
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-5;

    @Inject
    StorageEngine engine;

    record Tenant(String name, String key) {
    }

    static Tenant tenant(String prefix) {
        String name = Api.newTenant(prefix);
        return new Tenant(name, Api.keyFor(name, "query", "ingest"));
    }

    Model seed(Tenant t, String libonnx) throws Exception {
        return new Seed(engine).onnx(t.name(), OnnxFixtures.libonnx(libonnx));
    }

    static Response run(Tenant t, long modelId, Map<String, Object> body) {
        return as(t.key()).contentType(ContentType.JSON).body(body).when().post("/api/models/" + modelId + "/run");
    }

    static Map<String, Object> body(Map<String, TensorProto> inputs) {
        Map<String, Object> json = new LinkedHashMap<>();
        inputs.forEach((name, t) -> json.put(name, OnnxFixtures.json(t)));
        return Map.of("inputs", json);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"test_Conv1d", "test_Conv2d", "test_ConvTranspose2d", "test_Embedding",
            "test_Linear_no_bias", "test_operator_repeat", "test_layer_normalization_2d_axis1_expanded",
            "test_dynamicquantizelinear_expanded", "test_hannwindow_expanded"})
    void aStoredModelGivesTheExpectedOutputsAndOnnxRuntimesOnTheOriginalFile(String name) throws Exception {
        Tenant t = tenant("run");
        Model model = seed(t, name);
        Path file = OnnxFixtures.libonnx(name);
        Map<String, TensorProto> inputs;
        Map<String, byte[]> original;
        try (OrtSession session = OnnxFixtures.session(file)) {
            inputs = OnnxFixtures.inputs(session, OnnxFixtures.protos(name, "input"));
            original = OnnxFixtures.run(session, inputs);
        }
        String answer = run(t, model.modelId(), body(inputs)).then().statusCode(200)
                .body("modelId", equalTo((int) model.modelId())).extract().asString();
        Map<String, OnnxFixtures.Output> outputs = OnnxFixtures.outputs(answer);

        assertThat(outputs.keySet()).containsExactlyElementsOf(original.keySet());
        original.forEach((output, bytes) -> assertThat(outputs.get(output).bytes()).as(output).isEqualTo(bytes));
        List<TensorProto> expected = OnnxFixtures.protos(name, "output");
        List<String> names = List.copyOf(outputs.keySet());
        assertThat(expected).hasSameSizeAs(names);
        for (int i = 0; i < expected.size(); i++) {
            TensorProto e = expected.get(i);
            OnnxFixtures.Output actual = outputs.get(names.get(i));
            assertThat(actual.dtype()).isEqualTo(e.dataType().wireName());
            assertThat(actual.shape()).isEqualTo(e.dims());
            if (actual.dtype().equals("float32")) {
                float[] a = OnnxFixtures.floats(actual.bytes());
                float[] x = OnnxFixtures.floats(e.data());
                for (int j = 0; j < x.length; j++) {
                    assertThat((double) a[j]).as(names.get(i) + "[" + j + "]")
                            .isCloseTo(x[j], org.assertj.core.data.Offset.offset(ATOL + RTOL * Math.abs(x[j])));
                }
            } else {
                assertThat(actual.bytes()).as(names.get(i)).isEqualTo(e.data());
            }
        }

        // the record and its receipt: the model's file atom, the weight version, every tensor read with its digest
        long inferenceId = OnnxFixtures.JSON.readTree(answer).get("inferenceId").asLong();
        long elements = inputs.values().stream().mapToLong(TensorProto::elementCount).sum();
        as(t.key()).when().get("/api/inference/" + inferenceId).then().statusCode(200)
                .body("status", equalTo("SUCCEEDED"), "operation", equalTo("onnx.run"),
                        "modelId", equalTo((int) model.modelId()), "units", equalTo((int) elements),
                        "receipt.modelAtomId", equalTo((int) model.parentAtomId()),
                        "receipt.inputAtoms", hasSize(0),
                        "receipt.weightVersion", equalTo(OnnxFixtures.JSON.readTree(answer).get("weightVersion")
                                .asText()),
                        "outputs", hasSize(original.size()));
        List<Map<String, Object>> tensors = as(t.key()).when().get("/api/inference/" + inferenceId)
                .then().extract().path("receipt.tensors");
        Map<String, byte[]> stored = new LinkedHashMap<>();
        for (Seed.Tensor tensor : Seed.refTensors(file)) {
            java.io.ByteArrayOutputStream values = new java.io.ByteArrayOutputStream();
            for (byte[] v : tensor.values()) {
                values.writeBytes(v);
            }
            stored.put(tensor.name(), values.toByteArray());
        }
        assertThat(tensors).isNotEmpty();
        for (Map<String, Object> r : tensors) {
            byte[] bytes = stored.get((String) r.get("name"));
            assertThat(bytes).as((String) r.get("name")).isNotNull();
            assertThat(r.get("sha256")).isEqualTo(sha256(bytes));
        }
    }

    @Test
    void asOfRunsTheWeightsOfThatTimeAndARollbackRunsTheOriginalAgain() throws Exception {
        String name = "test_Conv1d_stride";
        Tenant t = tenant("asof");
        Model model = seed(t, name);
        Map<String, TensorProto> inputs;
        try (OrtSession session = OnnxFixtures.session(OnnxFixtures.libonnx(name))) {
            inputs = OnnxFixtures.inputs(session, OnnxFixtures.protos(name, "input"));
        }
        Map<String, Object> body = body(inputs);
        String first = run(t, model.modelId(), body).then().statusCode(200).extract().asString();
        Thread.sleep(20);
        Instant before = Instant.now();
        Thread.sleep(20);
        String weight = Seed.refTensors(OnnxFixtures.libonnx(name)).getFirst().name();
        as(t.key()).contentType(ContentType.JSON)
                .body(Map.of("updates", List.of(Map.of("index", List.of(0, 0, 0), "value", 1234.5))))
                .when().patch("/api/models/" + model.modelId() + "/tensors/" + weight)
                .then().statusCode(200).body("changed", equalTo(1));

        String tuned = run(t, model.modelId(), body).then().statusCode(200).header(RunResource.CACHE_HEADER, "miss")
                .extract().asString();
        assertThat(outputs(tuned)).isNotEqualTo(outputs(first));
        assertThat(version(tuned)).isNotEqualTo(version(first));

        Map<String, Object> then = new LinkedHashMap<>(body);
        then.put("asOf", before.toString());
        String past = run(t, model.modelId(), then).then().statusCode(200).header(RunResource.CACHE_HEADER, "hit")
                .extract().asString();
        assertThat(outputs(past)).isEqualTo(outputs(first));
        assertThat(version(past)).isEqualTo(version(first));

        as(t.key()).contentType(ContentType.JSON).body(Map.of("to", before.toString()))
                .when().post("/api/models/" + model.modelId() + "/rollback").then().statusCode(200);
        String rolledBack = run(t, model.modelId(), body).then().statusCode(200).extract().asString();
        assertThat(outputs(rolledBack)).isEqualTo(outputs(first));
        assertThat(version(rolledBack)).isNotEqualTo(version(first)).isNotEqualTo(version(tuned));

        then.put("asOf", "2001-01-01T00:00:00Z");
        run(t, model.modelId(), then).then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("did not exist yet"));
    }

    @Test
    void aSecondRunOfTheSameWeightsFindsTheSessionCached() throws Exception {
        String name = "test_Conv1d_dilated";
        Tenant t = tenant("cache");
        Model model = seed(t, name);
        Map<String, Object> body;
        try (OrtSession session = OnnxFixtures.session(OnnxFixtures.libonnx(name))) {
            body = body(OnnxFixtures.inputs(session, OnnxFixtures.protos(name, "input")));
        }
        String a = run(t, model.modelId(), body).then().statusCode(200).header(RunResource.CACHE_HEADER, "miss")
                .extract().asString();
        String b = run(t, model.modelId(), body).then().statusCode(200).header(RunResource.CACHE_HEADER, "hit")
                .extract().asString();
        assertThat(outputs(b)).isEqualTo(outputs(a));
        String metrics = io.restassured.RestAssured.given().when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertThat(metrics).contains("hart_inference_sessions_total{cache=\"hit\"")
                .contains("hart_inference_sessions_total{cache=\"miss\"");
    }

    @Test
    void anotherTenantCanNeitherRunTheModelNorReadItsRecords() throws Exception {
        String name = "test_Conv2d_strided";
        Tenant owner = tenant("owner");
        Model model = seed(owner, name);
        Map<String, Object> body;
        try (OrtSession session = OnnxFixtures.session(OnnxFixtures.libonnx(name))) {
            body = body(OnnxFixtures.inputs(session, OnnxFixtures.protos(name, "input")));
        }
        long inferenceId = run(owner, model.modelId(), body).then().statusCode(200).extract()
                .jsonPath().getLong("inferenceId");
        Tenant other = tenant("other");
        run(other, model.modelId(), body).then().statusCode(404).contentType("application/problem+json");
        as(other.key()).when().get("/api/inference/" + inferenceId).then().statusCode(404)
                .contentType("application/problem+json");
        as(other.key()).when().get("/api/inference").then().statusCode(200).body("$", hasSize(0));
        as(owner.key()).queryParam("model", model.modelId()).when().get("/api/inference").then().statusCode(200)
                .body("inferenceId", org.hamcrest.Matchers.contains((int) inferenceId));
        String reader = Api.keyFor(owner.name(), "ingest");
        as(reader).contentType(ContentType.JSON).body(body).when().post("/api/models/" + model.modelId() + "/run")
                .then().statusCode(403);
    }

    private static Object outputs(String answer) throws Exception {
        return OnnxFixtures.JSON.readTree(answer).get("outputs");
    }

    private static String version(String answer) throws Exception {
        return OnnxFixtures.JSON.readTree(answer).get("weightVersion").asText();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] read(Path p) throws Exception {
        return Files.readAllBytes(p);
    }
}
