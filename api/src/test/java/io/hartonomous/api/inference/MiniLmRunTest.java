package io.hartonomous.api.inference;

import ai.onnxruntime.OrtSession;
import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.formats.onnx.OnnxDataType;
import io.hartonomous.formats.onnx.TensorProto;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.models.Model;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The int8 all-MiniLM-L6-v2 (langchain4j's package on Maven Central, ~22 M int8 weights), stored the way an ingest
 * stores it and run through the API: its outputs reassembled from atoms equal ONNX Runtime's on the original file,
 * bit for bit. One store for the whole class: the model is large, and a test that stored it per method would cost
 * the suite minutes.
 */
@QuarkusTest
class MiniLmRunTest {
    /**
     * "the cat sat on the mat ." through the package's own tokenizer json (all-minilm-l6-v2-q-tokenizer.json, WordPiece
     * vocab): [CLS] the cat sat on the mat . [SEP].
     */
    static final long[] TOKENS = {101, 1996, 4937, 2938, 2006, 1996, 13523, 1012, 102};

    @Inject
    StorageEngine engine;

    static TensorProto int64(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new TensorProto("", OnnxDataType.INT64, List.of(1L, (long) values.length), b.array());
    }

    @Test
    void aStoredMiniLmEmbedsASentenceBitForBitAsOnnxRuntimeOnTheOriginalFile() throws Exception {
        Path file = TestData.file("models/onnx/all-minilm-l6-v2-q.onnx");
        String tenant = Api.newTenant("minilm");
        String key = Api.keyFor(tenant, "query", "ingest");
        long started = System.nanoTime();
        Model model = new Seed(engine).onnx(tenant, file);
        System.out.printf("MiniLmRunTest: stored %s in %d ms%n", file.getFileName(),
                (System.nanoTime() - started) / 1_000_000);

        Map<String, TensorProto> inputs = new LinkedHashMap<>();
        inputs.put("input_ids", int64(TOKENS));
        inputs.put("attention_mask", int64(1, 1, 1, 1, 1, 1, 1, 1, 1));
        inputs.put("token_type_ids", int64(0, 0, 0, 0, 0, 0, 0, 0, 0));
        Map<String, byte[]> original;
        try (OrtSession session = OnnxFixtures.session(file)) {
            assertThat(session.getInputInfo().keySet()).containsExactlyInAnyOrderElementsOf(inputs.keySet());
            original = OnnxFixtures.run(session, inputs);
        }
        started = System.nanoTime();
        String answer = RunModelsTest.run(new RunModelsTest.Tenant(tenant, key), model.modelId(),
                RunModelsTest.body(inputs)).then().statusCode(200)
                .body("modelId", equalTo((int) model.modelId())).extract().asString();
        System.out.printf("MiniLmRunTest: first run in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        Map<String, OnnxFixtures.Output> outputs = OnnxFixtures.outputs(answer);

        assertThat(outputs.keySet()).containsExactlyElementsOf(original.keySet());
        original.forEach((name, bytes) -> assertThat(outputs.get(name).bytes()).as(name).isEqualTo(bytes));
        OnnxFixtures.Output hidden = outputs.values().iterator().next();
        assertThat(hidden.dtype()).isEqualTo("float32");
        assertThat(hidden.shape()).isEqualTo(List.of(1L, (long) TOKENS.length, 384L));

        long inferenceId = OnnxFixtures.JSON.readTree(answer).get("inferenceId").asLong();
        as(key).when().get("/api/inference/" + inferenceId).then().statusCode(200)
                .body("status", equalTo("SUCCEEDED"), "operation", equalTo("onnx.run"),
                        "modelId", equalTo((int) model.modelId()), "units", equalTo(3 * TOKENS.length),
                        "receipt.modelAtomId", equalTo((int) model.parentAtomId()));
    }
}
