package io.hartonomous.ingest.atomize.model.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.TestData;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tiny LLaMA GGUFs (testdata/make-llama-gguf.py) as the ingest tier stores them: what the API's LLaMA runner
 * (io.hartonomous.api.llama, whose tests seed the same shape through the contract) reads from a model: the file's
 * llama.* key/values as JSON numbers under "metadata", format "gguf", and a tensor table with standard names,
 * outermost-first shapes, F16 kept as f16 and Q8_0 dequantized to f32.
 */
class LlamaGgufMetadataTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-f32.gguf", "llama-f16.gguf", "llama-q8_0.gguf"})
    void metadataAndTensorTableCarryWhatRunningNeeds(String name) throws IOException {
        Path file = TestData.file("models/gguf/" + name);
        JsonNode ref = Json.MAPPER.readTree(TestData.file("models/gguf/" + name + ".llama.json").toFile())
                .get("config");
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            NewModel model = f.model().orElseThrow();
            JsonNode meta = Json.MAPPER.readTree(model.metadataJson());
            assertThat(meta.get("format").asText()).isEqualTo("gguf");
            JsonNode kv = meta.get("metadata");
            assertThat(kv.get("general.architecture").asText()).isEqualTo("llama");
            assertThat(model.name()).isEqualTo(kv.get("general.name").asText()).startsWith("hartonomous tiny llama");
            for (String key : List.of("context_length", "embedding_length", "block_count", "feed_forward_length",
                    "attention.head_count", "attention.head_count_kv", "rope.dimension_count")) {
                assertThat(kv.get("llama." + key).canConvertToInt()).as(key).isTrue();
                assertThat(kv.get("llama." + key).asInt()).as(key).isEqualTo(ref.get(key).asInt());
            }
            for (String key : List.of("rope.freq_base", "attention.layer_norm_rms_epsilon")) {
                assertThat((float) kv.get("llama." + key).asDouble()).as(key)
                        .isEqualTo((float) ref.get(key).asDouble());
            }
            int dim = ref.get("embedding_length").asInt();
            int kvDim = dim / ref.get("attention.head_count").asInt() * ref.get("attention.head_count_kv").asInt();
            int ffn = ref.get("feed_forward_length").asInt();
            Map<String, ModelLayer> layers = model.layers().stream()
                    .collect(Collectors.toMap(ModelLayer::name, Function.identity()));
            String matrix = name.contains("f16") ? "f16" : "f32";
            assertThat(layers.get("token_embd.weight").shape()).containsExactly(64L, (long) dim);
            assertThat(layers.get("output.weight").shape()).containsExactly(64L, (long) dim);
            assertThat(layers.get("blk.1.attn_k.weight").shape()).containsExactly((long) kvDim, (long) dim);
            assertThat(layers.get("blk.1.attn_output.weight").shape()).containsExactly((long) dim, (long) dim);
            assertThat(layers.get("blk.0.ffn_down.weight").shape()).containsExactly((long) dim, (long) ffn);
            assertThat(layers.get("blk.0.ffn_gate.weight").shape()).containsExactly((long) ffn, (long) dim);
            assertThat(layers.get("blk.0.ffn_gate.weight").storedAs()).isEqualTo(matrix);
            assertThat(layers.get("blk.0.ffn_gate.weight").dtype())
                    .isEqualTo(name.replace("llama-", "").replace(".gguf", "").toUpperCase());
            assertThat(layers.get("output_norm.weight").shape()).containsExactly((long) dim);
            assertThat(layers.get("output_norm.weight").storedAs()).isEqualTo("f32");
        }
    }
}
