package io.hartonomous.api.inference;

import ai.onnxruntime.OrtSession;
import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.formats.onnx.TensorProto;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.models.Model;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

/**
 * What a run refuses, each a 4xx problem+json that says what was wrong: mistakes in the inputs and models that cannot
 * run are answered before any record is begun (none is written); a run that fails in ONNX Runtime leaves exactly one
 * FAILED record.
 */
@QuarkusTest
class RunErrorsTest {
    @Inject
    StorageEngine engine;

    private String tenant;
    private String key;

    private void newTenant(String prefix) {
        tenant = Api.newTenant(prefix);
        key = Api.keyFor(tenant, "query", "ingest");
    }

    private ValidatableResponse run(long modelId, Map<String, Object> inputs) {
        return as(key).contentType(ContentType.JSON).body(Map.of("inputs", inputs))
                .when().post("/api/models/" + modelId + "/run").then();
    }

    private ValidatableResponse problem(long modelId, Map<String, Object> inputs, int status, String detail) {
        return run(modelId, inputs).statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status), "detail", containsString(detail));
    }

    private void noRecords(long modelId) {
        as(key).queryParam("model", modelId).when().get("/api/inference").then().statusCode(200)
                .body("$", hasSize(0));
    }

    private static Map<String, Object> tensor(String dtype, List<?> shape, List<?> data) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("dtype", dtype);
        t.put("shape", shape);
        t.put("data", data);
        return t;
    }

    private static List<Object> zeros(int n) {
        return new ArrayList<>(Collections.nCopies(n, 0.5));
    }

    @Test
    void inputMistakesAreNamedAndLeaveNoRecord() throws Exception {
        newTenant("bad-inputs");
        Model model = new Seed(engine).onnx(tenant, OnnxFixtures.libonnx("test_Conv1d_pad1"));
        long id = model.modelId();
        Map<String, Object> good = tensor("float32", List.of(2, 4, 10), zeros(80));

        problem(id, Map.of("0", good, "bogus", good), 400, "unknown input 'bogus' (the model takes '0')");
        problem(id, Map.of(), 400, "input '0' is missing");
        problem(id, Map.of("0", tensor("int64", List.of(2, 4, 10), zeros(80))), 400,
                "input '0' is int64 but the model takes float32");
        problem(id, Map.of("0", tensor("float99", List.of(2, 4, 10), zeros(80))), 400, "unknown dtype 'float99'");
        problem(id, Map.of("0", tensor("float32", List.of(2, 4, 9), zeros(72))), 400,
                "input '0' has shape [2, 4, 9] but the model takes [2, 4, 10]");
        problem(id, Map.of("0", tensor("float32", List.of(2, 4, 10), zeros(79))), 400,
                "input '0' has 79 values but shape [2, 4, 10] needs 80");
        List<Object> text = zeros(80);
        text.set(3, "three");
        problem(id, Map.of("0", tensor("float32", List.of(2, 4, 10), text)), 400,
                "input '0': value 3 must be a number");
        Map<String, Object> extra = new LinkedHashMap<>(good);
        extra.put("layout", "NCHW");
        problem(id, Map.of("0", extra), 400, "unknown field 'layout'");
        problem(id, Map.of("0", List.of(1, 2)), 400, "input '0' must be an object");
        problem(id, Map.of("0", Map.of("atom", model.parentAtomId())), 400, "is a model file");
        long image = new Seed(engine).image(tenant, TestData.file("images/pngsuite/basic/basn2c08.png"));
        problem(id, Map.of("0", Map.of("atom", image)), 400,
                "input '0' takes [2, 4, 10]; an image atom becomes [1, C, H, W]");
        problem(id, Map.of("0", Map.of("tensor", Map.of("model", id, "name", "nope"))), 404, "no tensor named 'nope'");
        // another model's tensor of the wrong shape: the weight [4, 4, 3] is 48 values, the input takes 80
        String weight = Seed.refTensors(OnnxFixtures.libonnx("test_Conv1d_pad1")).getFirst().name();
        problem(id, Map.of("0", Map.of("tensor", Map.of("model", id, "name", weight))), 400, "input '0'");
        as(key).contentType(ContentType.JSON).body(Map.of("inputs", Map.of("0", good), "asOf", "yesterday"))
                .when().post("/api/models/" + id + "/run").then().statusCode(400).body("detail", containsString("asOf"));
        noRecords(id);

        String stranger = Api.keyFor(Api.newTenant("stranger"), "query");
        long strangersImage = new Seed(engine).image(Api.newTenant("stranger-img"),
                TestData.file("images/pngsuite/basic/basn6a08.png"));
        as(stranger).contentType(ContentType.JSON).body(Map.of("inputs", Map.of("0", good)))
                .when().post("/api/models/" + id + "/run").then().statusCode(404);
        problem(id, Map.of("0", Map.of("atom", strangersImage)), 404, "atom " + strangersImage + " not found");
        noRecords(id);
    }

    @Test
    void audioAtomsAreCheckedForModalityRateChannelAndLength() throws Exception {
        newTenant("audio");
        Model pairs = new Seed(engine).onnx(tenant, OnnxFixtures.libonnx("test_operator_repeat_dim_overflow"));
        long wav = new Seed(engine).audio(tenant, TestData.file("audio/alsa/Front_Center.wav"));
        long id = pairs.modelId();
        problem(id, Map.of("0", Map.of("atom", wav, "sampleRate", 16000)), 400,
                "is 48000 Hz, not 16000 Hz (audio is not resampled unless asked with \"resample\": true)");
        problem(id, Map.of("0", Map.of("atom", wav, "sampleRate", 16000, "resample", true)), 422,
                "resampling to 16000 Hz is not implemented");
        problem(id, Map.of("0", Map.of("atom", wav, "channel", 1)), 400, "has 1 channel(s), so channel is 0-0");
        problem(id, Map.of("0", Map.of("atom", wav, "sampleRate", 48000, "channel", 0)), 400,
                "input '0' takes [1, 2] but atom " + wav);
        problem(id, Map.of("0", Map.of("atom", wav, "channels", 3)), 400, "unknown field 'channels'");
        Model conv = new Seed(engine).onnx(tenant, OnnxFixtures.libonnx("test_Conv2d_no_bias"));
        problem(conv.modelId(), Map.of("0", Map.of("atom", wav)), 400, "an audio atom becomes [1, N]");
        noRecords(id);
        noRecords(conv.modelId());
    }

    @Test
    void aGraphOnnxRuntimeCannotLoadIsRefusedWithItsReason() throws Exception {
        newTenant("unsupported");
        // PRelu of opset 6: Debian's test data predates what ONNX Runtime 1.22 implements
        Model model = new Seed(engine).onnx(tenant, OnnxFixtures.libonnx("test_PReLU_1d"));
        Map<String, Object> input = Map.of("0", tensor("float32", List.of(2, 3), zeros(6)));
        for (int attempt = 0; attempt < 2; attempt++) { // the second is answered from the cached refusal
            problem(model.modelId(), input, 422, "ONNX Runtime cannot load model " + model.modelId())
                    .body("detail", containsString("PRelu"));
        }
        noRecords(model.modelId());
    }

    @Test
    void modelsWithoutAGraphAreNotRunnableAndSayWhy() throws Exception {
        newTenant("not-runnable");
        Seed seed = new Seed(engine);
        Model safetensors = seed.modelFile(tenant, TestData.file("models/safetensors/types.safetensors"),
                "safetensors", "{\"format\":\"safetensors\",\"runnable\":false,\"notRunnableReason\":"
                        + "\"safetensors holds tensors only: there is no graph to run\"}", null);
        Model gguf = seed.modelFile(tenant, TestData.file("models/gguf/types.gguf"), "gguf",
                "{\"format\":\"gguf\",\"runnable\":false,\"metadata\":{\"general.architecture\":\"gpt2\"}}", null);
        problem(safetensors.modelId(), Map.of(), 422, "is not runnable: safetensors holds tensors only");
        problem(gguf.modelId(), Map.of(), 422, "(gguf) is not runnable: the model cannot be run as LLaMA: its "
                + "architecture is 'gpt2'; only 'llama' is implemented");
        noRecords(safetensors.modelId());
        noRecords(gguf.modelId());
    }

    @Test
    void aRunThatFailsInOnnxRuntimeLeavesOneFailedRecord() throws Exception {
        newTenant("failing");
        String name = "test_Embedding";
        Model model = new Seed(engine).onnx(tenant, OnnxFixtures.libonnx(name));
        Map<String, TensorProto> inputs;
        try (OrtSession session = OnnxFixtures.session(OnnxFixtures.libonnx(name))) {
            inputs = OnnxFixtures.inputs(session, OnnxFixtures.protos(name, "input"));
        }
        String input = inputs.keySet().iterator().next();
        // an index far outside the embedding table: the input is well formed, Gather fails while running
        Map<String, Object> body = tensor("int64", List.of(1, 4), List.of(0, 1, 100000, 2));
        problem(model.modelId(), Map.of(input, body), 422, "failed: ").body("detail", startsWith("inference "));
        as(key).queryParam("model", model.modelId()).when().get("/api/inference").then().statusCode(200)
                .body("$", hasSize(1), "[0].status", equalTo("FAILED"), "[0].units", equalTo(4),
                        "[0].error", containsString("100000"), "[0].receipt.modelAtomId",
                        equalTo((int) model.parentAtomId()));
    }
}
