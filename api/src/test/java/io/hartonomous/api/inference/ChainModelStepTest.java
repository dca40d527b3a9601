package io.hartonomous.api.inference;

import io.hartonomous.api.testing.Seed;
import io.hartonomous.formats.onnx.TensorProto;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.models.Model;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import ai.onnxruntime.OrtSession;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A reasoning chain's model step over HTTP: the stored model is run by the same machinery as POST
 * /api/models/{id}/run (same outputs, same receipt), its record ({@code onnx.run}) a child of the chain's; the step's
 * outcome is the index of the largest value of the first output. A model the tenant does not have fails the chain.
 */
@QuarkusTest
class ChainModelStepTest {
    private static final String MODEL = "test_Conv1d_stride";

    @Inject
    StorageEngine engine;

    @Test
    void aModelStepRunsTheStoredModelUnderTheChainWithItsReceipt() throws Exception {
        RunModelsTest.Tenant t = RunModelsTest.tenant("chain-model");
        Model model = new Seed(engine).onnx(t.name(), OnnxFixtures.libonnx(MODEL));
        Map<String, Object> body;
        try (OrtSession session = OnnxFixtures.session(OnnxFixtures.libonnx(MODEL))) {
            Map<String, TensorProto> inputs = OnnxFixtures.inputs(session, OnnxFixtures.protos(MODEL, "input"));
            body = RunModelsTest.body(inputs);
        }
        String direct = RunModelsTest.run(t, model.modelId(), body).then().statusCode(200).extract().asString();
        Map.Entry<String, OnnxFixtures.Output> first = OnnxFixtures.outputs(direct).entrySet().iterator().next();
        float[] values = OnnxFixtures.floats(first.getValue().bytes());
        long argmax = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[(int) argmax]) {
                argmax = i;
            }
        }
        long directId = OnnxFixtures.JSON.readTree(direct).get("inferenceId").asLong();

        Map<String, Object> step = new LinkedHashMap<>(body);
        step.put("kind", "model");
        step.put("model", model.modelId());
        JsonPath answer = as(t.key()).contentType(ContentType.JSON).body(Map.of("steps", List.of(step)))
                .when().post("/api/reasoning/chains").then().statusCode(200).extract().jsonPath();
        assertThat(answer.getList("samples[0].steps[0].outcome", Long.class)).containsExactly(argmax);
        assertThat(answer.getString("samples[0].steps[0].outcomeKind")).isEqualTo("index");
        long chainId = answer.getLong("inferenceId");
        long stepId = answer.getLong("samples[0].steps[0].inferenceId");

        JsonPath chain = as(t.key()).when().get("/api/reasoning/chains/" + chainId).then().statusCode(200)
                .extract().jsonPath();
        assertThat(chain.getList("children.operation", String.class)).containsExactly("onnx.run");
        assertThat(chain.getList("children.inferenceId", Long.class)).containsExactly(stepId);
        JsonPath directRecord = as(t.key()).when().get("/api/inference/" + directId).then().statusCode(200)
                .extract().jsonPath();
        JsonPath stepRecord = as(t.key()).when().get("/api/inference/" + stepId).then().statusCode(200)
                .body("parentInferenceId", equalTo(Math.toIntExact(chainId)), "status", equalTo("SUCCEEDED"),
                        "modelId", equalTo(Math.toIntExact(model.modelId())))
                .extract().jsonPath();
        // The same run: the same outputs (by their digests), the same weights and inputs in the receipt.
        assertThat(stepRecord.getList("outputs")).isEqualTo(directRecord.getList("outputs"));
        assertThat(stepRecord.getMap("receipt")).isEqualTo(directRecord.getMap("receipt"));
        as(t.key()).when().get("/api/inference/" + stepId + "/explain").then().statusCode(200)
                .body("model.modelId", equalTo(Math.toIntExact(model.modelId())),
                        "model.weightVersion", equalTo(directRecord.getString("receipt.weightVersion")));

        Map<String, Object> missing = new LinkedHashMap<>(step);
        missing.put("model", Long.MAX_VALUE);
        as(t.key()).contentType(ContentType.JSON).body(Map.of("steps", List.of(missing)))
                .when().post("/api/reasoning/chains").then().statusCode(404)
                .contentType(containsString("problem+json")).body("detail", containsString("not found"));
    }
}
