package io.hartonomous.api.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.models.Model;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;

/**
 * A LLaMA GGUF stored as atoms runs through {@code POST /api/models/{id}/run}: the logits equal the NumPy reference
 * forward pass the test-data script computed from the same file, greedy generation follows the reference's chain,
 * the run is recorded with a receipt of every tensor read, and mistakes are 400s that leave no record.
 */
@QuarkusTest
class LlamaRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    StorageEngine engine;

    @Test
    void aStoredLlamaRunsOverHttpAsTheReferenceDoes() throws Exception {
        String tenant = Api.newTenant("llama-run");
        String key = Api.keyFor(tenant, "query", "ingest");
        Model model = GgufSeed.store(engine.forTenant(tenant), TestData.file("models/gguf/llama-f32.gguf"));
        JsonNode ref = JSON.readTree(TestData.file("models/gguf/llama-f32.gguf.llama.json").toFile());
        int vocab = ref.get("shape").get(1).asInt();
        ByteBuffer logits = ByteBuffer.wrap(Files.readAllBytes(TestData.file("models/gguf/"
                + ref.get("logits").asText()))).order(ByteOrder.LITTLE_ENDIAN);

        // Mistakes first: each a 400 naming the input, and no record.
        run(key, model, Map.of("tokens", tokens(List.of(vocab + 5))), null).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("is not a token id"));
        run(key, model, Map.of("ids", tokens(List.of(1))), null).then().statusCode(400)
                .body("detail", containsString("exactly one input, 'tokens'"));
        run(key, model, Map.of("tokens", tokens(List.of(1))), 10_000).then().statusCode(400)
                .body("detail", containsString("context length"));
        as(key).queryParam("model", model.modelId()).when().get("/api/inference").then().statusCode(200)
                .body("$", hasSize(0));

        List<Integer> sequence = ints(ref.get("tokens"));
        Response first = run(key, model, Map.of("tokens", tokens(sequence)), null);
        first.then().statusCode(200).header("X-Hart-Session-Cache", "hit"); // loaded by the refused requests above
        JsonNode out = JSON.readTree(first.asString()).get("outputs").get("logits");
        assertThat(out.get("dtype").asText()).isEqualTo("float32");
        assertThat(ints(out.get("shape"))).containsExactly(1, sequence.size(), vocab);
        double worst = 0;
        for (int i = 0; i < sequence.size() * vocab; i++) {
            worst = Math.max(worst, Math.abs(out.get("data").get(i).floatValue() - logits.getFloat(4 * i)));
        }
        assertThat(worst).isLessThan(1e-4);

        List<Integer> prompt = ints(ref.get("prompt"));
        List<Integer> greedy = ints(ref.get("greedy"));
        Response generated = run(key, model, Map.of("tokens", tokens(prompt)), greedy.size());
        generated.then().statusCode(200).header("X-Hart-Session-Cache", "hit");
        JsonNode answer = JSON.readTree(generated.asString());
        assertThat(ints(answer.get("outputs").get("tokens").get("data"))).isEqualTo(greedy);

        JsonNode record = JSON.readTree(as(key).when().get("/api/inference/" + answer.get("inferenceId").asLong())
                .then().statusCode(200).extract().asString());
        assertThat(record.get("operation").asText()).isEqualTo("llama.generate");
        assertThat(record.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(record.get("units").asLong()).isEqualTo(prompt.size() + greedy.size());
        assertThat(record.get("receipt").get("modelAtomId").asLong()).isEqualTo(model.parentAtomId());
        assertThat(record.get("receipt").get("tensors").size()).isEqualTo(model.tensorCount());

        String stranger = Api.keyFor(Api.newTenant("llama-stranger"), "query");
        run(stranger, model, Map.of("tokens", tokens(prompt)), null).then().statusCode(404);
    }

    private static Response run(String key, Model model, Map<String, Object> inputs, Integer generate) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", inputs);
        if (generate != null) {
            body.put("generate", generate);
        }
        return as(key).contentType(ContentType.JSON).body(body).when()
                .post("/api/models/" + model.modelId() + "/run");
    }

    private static Map<String, Object> tokens(List<Integer> ids) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("dtype", "int64");
        t.put("shape", List.of(1, ids.size()));
        t.put("data", ids);
        return t;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asInt()));
        return out;
    }
}
