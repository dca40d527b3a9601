package io.hartonomous.api.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.WeightUpdate;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tiny LLaMA GGUFs written by gguf-py (testdata/make-llama-gguf.py) are stored in a real embedded engine (H2) and run
 * from the stored weights; the oracle is the script's NumPy forward pass (float64) over the same file's values.
 * The F16 and Q8_0 files are compared with the reference computed from their own stored values (f16 exactly, Q8_0 as
 * gguf-py dequantizes it), so all three share one tolerance: float32 accumulation against float64.
 */
class LlamaGgufTest {
    /** Max |logit - reference| allowed; logits are of order 1 (std 1, |max| about 4). */
    private static final double TOLERANCE = 1e-4;
    private static final List<String> FILES = List.of("llama-f32.gguf", "llama-f16.gguf", "llama-q8_0.gguf");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static StorageEngine engine;
    static TenantStorage tenant;
    static final Map<String, Model> MODELS = new HashMap<>();
    /** Each file loaded once from the stored weights (the AS OF test loads its own). */
    static final Map<String, LlamaModel> LOADED = new HashMap<>();

    @BeforeAll
    static void ingest() throws IOException {
        engine = StorageEngines.open(LocalStorage.embeddedFile(dir.resolve("db")));
        tenant = engine.forTenant("llama-tests");
        for (String name : FILES) {
            Model model = GgufSeed.store(tenant, TestData.file("models/gguf/" + name));
            MODELS.put(name, model);
            LOADED.put(name, LlamaModel.load(tenant.models(), model.modelId(), null));
        }
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** The script's reference: the token sequence, its logits, the greedy prompt and continuation. */
    private record Reference(int[] tokens, float[][] logits, int[] prompt, int[] greedy, JsonNode config) {
        static Reference of(String name) throws IOException {
            JsonNode j = JSON.readTree(TestData.file("models/gguf/" + name + ".llama.json").toFile());
            int rows = j.get("shape").get(0).asInt();
            int cols = j.get("shape").get(1).asInt();
            ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(TestData.file("models/gguf/" + j.get("logits")
                    .asText()))).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(raw.remaining()).isEqualTo(rows * cols * 4);
            float[][] logits = new float[rows][cols];
            for (float[] row : logits) {
                raw.asFloatBuffer().get(row);
                raw.position(raw.position() + cols * 4);
            }
            return new Reference(ints(j.get("tokens")), logits, ints(j.get("prompt")), ints(j.get("greedy")),
                    j.get("config"));
        }

        private static int[] ints(JsonNode array) {
            int[] out = new int[array.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = array.get(i).asInt();
            }
            return out;
        }
    }

    private static double maxAbsDiff(float[][] a, float[][] b) {
        assertThat(a.length).isEqualTo(b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).hasSameSizeAs(b[i]);
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs((double) a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-f32.gguf", "llama-f16.gguf", "llama-q8_0.gguf"})
    void configComesFromTheStoredMetadata(String name) throws IOException {
        LlamaModel model = LOADED.get(name);
        JsonNode ref = Reference.of(name).config();
        LlamaConfig c = model.config();
        assertThat(c.dim()).isEqualTo(ref.get("embedding_length").asInt());
        assertThat(c.blocks()).isEqualTo(ref.get("block_count").asInt());
        assertThat(c.heads()).isEqualTo(ref.get("attention.head_count").asInt());
        assertThat(c.kvHeads()).isEqualTo(ref.get("attention.head_count_kv").asInt()).isLessThan(c.heads());
        assertThat(c.ffn()).isEqualTo(ref.get("feed_forward_length").asInt());
        assertThat(c.contextLength()).isEqualTo(ref.get("context_length").asInt());
        assertThat(c.ropeDim()).isEqualTo(ref.get("rope.dimension_count").asInt());
        assertThat(c.ropeFreqBase()).isEqualTo((float) ref.get("rope.freq_base").asDouble());
        assertThat(c.rmsEps()).isEqualTo((float) ref.get("attention.layer_norm_rms_epsilon").asDouble());
        assertThat(c.vocabSize()).isEqualTo(Reference.of(name).logits()[0].length);
    }

    /** Every position's logits from the stored weights equal the NumPy reference. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-f32.gguf", "llama-f16.gguf", "llama-q8_0.gguf"})
    void logitsMatchTheNumpyReference(String name) throws IOException {
        Reference ref = Reference.of(name);
        LlamaModel model = LOADED.get(name);
        float[][] logits = model.logits(ref.tokens());
        double diff = maxAbsDiff(logits, ref.logits());
        System.out.printf("%s: max |logit - numpy| = %.3g over %d x %d%n", name, diff, logits.length,
                logits[0].length);
        assertThat(diff).as(name + " max abs diff").isLessThanOrEqualTo(TOLERANCE);
    }

    /** Greedy generation from the prompt equals the reference's argmax chain. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-f32.gguf", "llama-f16.gguf", "llama-q8_0.gguf"})
    void greedyGenerationFollowsTheReference(String name) throws IOException {
        Reference ref = Reference.of(name);
        LlamaModel model = LOADED.get(name);
        assertThat(model.generate(ref.prompt(), ref.greedy().length)).containsExactly(ref.greedy());
        assertThat(model.generate(ref.prompt(), 0)).isEmpty();
    }

    /** A session fed token by token gives the same logits as the whole sequence at once (the KV cache at work). */
    @Test
    void sessionStepsEqualTheSequence() throws IOException {
        Reference ref = Reference.of("llama-f32.gguf");
        LlamaModel model = LOADED.get("llama-f32.gguf");
        LlamaForward.Session s = model.forward().session();
        float[][] all = model.logits(ref.tokens());
        for (int i = 0; i < ref.tokens().length; i++) {
            assertThat(s.next(ref.tokens()[i])).containsExactly(all[i]);
        }
        assertThat(s.position()).isEqualTo(ref.tokens().length);
    }

    /** The weights are read as of a point in time: a changed weight changes the logits, the past does not. */
    @Test
    void asOfReadsTheWeightsOfThatTime() throws Exception {
        Reference ref = Reference.of("llama-f32.gguf");
        long id = MODELS.get("llama-f32.gguf").modelId();
        Thread.sleep(20); // a timestamp strictly between the ingest and the update
        Instant before = Instant.now();
        Thread.sleep(20);
        ModelLayer output = tenant.models().layers(id).stream().filter(l -> l.name().equals("output.weight"))
                .findFirst().orElseThrow();
        int token = 7;
        byte[] big = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(3f).array();
        // output.weight is [vocab, dim]: row `token` at y = token, x = the input dimension
        assertThat(tenant.models().updateWeights(id, output.layerIdx(), List.of(
                new WeightUpdate(0, token, 0, NewAtom.of(AtomType.of(Modality.MODEL, "f32"), big))))).isEqualTo(1);
        float[][] now = LlamaModel.load(tenant.models(), id, null).logits(ref.tokens());
        float[][] then = LlamaModel.load(tenant.models(), id, before).logits(ref.tokens());
        assertThat(maxAbsDiff(then, ref.logits())).isLessThanOrEqualTo(TOLERANCE);
        for (int i = 0; i < now.length; i++) {
            assertThat(Math.abs(now[i][token] - ref.logits()[i][token])).as("position %d", i).isGreaterThan(1e-3f);
            assertThat(now[i][token + 1]).isEqualTo(then[i][token + 1]);
        }
        tenant.models().rollback(id, before, false);
        assertThat(maxAbsDiff(LlamaModel.load(tenant.models(), id, null).logits(ref.tokens()), ref.logits()))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    /** The stored metadata with one key set (or removed, for a null value). */
    private static String metadataWith(String key, Object value) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON
                .readTree(MODELS.get("llama-f32.gguf").metadataJson());
        com.fasterxml.jackson.databind.node.ObjectNode kv = (com.fasterxml.jackson.databind.node.ObjectNode) root
                .get("metadata");
        if (value == null) {
            kv.remove(key);
        } else {
            kv.set(key, JSON.valueToTree(value));
        }
        return JSON.writeValueAsString(root);
    }

    /** What this implementation does not run is refused with the reason, before any tensor is read. */
    @Test
    void modelsItCannotRunAreRefusedWithTheReason() throws IOException {
        long id = MODELS.get("llama-f32.gguf").modelId();
        List<ModelLayer> layers = tenant.models().layers(id);
        assertThat(LlamaConfig.of(MODELS.get("llama-f32.gguf").metadataJson(), layers)).isEqualTo(LOADED
                .get("llama-f32.gguf").config());
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put(metadataWith("general.architecture", "gpt2"), "architecture is 'gpt2'");
        refusals.put(metadataWith("llama.expert_count", 8), "mixture of experts");
        refusals.put(metadataWith("llama.rope.scaling.type", "yarn"), "RoPE scaling (yarn)");
        refusals.put(metadataWith("llama.attention.head_count_kv", 3), "not a multiple of head_count_kv 3");
        refusals.put(metadataWith("llama.attention.key_length", 16), "key_length 16 differs");
        refusals.put(metadataWith("llama.block_count", null), "no integer llama.block_count");
        refusals.put(metadataWith("llama.rope.dimension_count", 7), "must be even");
        refusals.put("{\"format\":\"onnx\"}", "not a GGUF model (format onnx)");
        refusals.put("not json", "not JSON");
        refusals.forEach((json, reason) -> assertThatThrownBy(() -> LlamaConfig.of(json, layers))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be run as LLaMA")
                .hasMessageContaining(reason));
        LlamaConfig config = LOADED.get("llama-f32.gguf").config();
        List<ModelLayer> missing = layers.stream().filter(l -> !l.name().equals("blk.1.ffn_up.weight")).toList();
        assertThatThrownBy(() -> LlamaWeights.load(tenant.models(), id, null, config, missing))
                .hasMessageContaining("no tensor blk.1.ffn_up.weight");
        List<ModelLayer> reshaped = layers.stream().map(l -> !l.name().equals("blk.0.attn_k.weight") ? l
                : new ModelLayer(l.modelId(), l.layerIdx(), l.name(), List.of(32L, (long) config.kvDim()), l.dtype(),
                        l.storedAs(), l.elementCount())).toList();
        assertThatThrownBy(() -> LlamaWeights.load(tenant.models(), id, null, config, reshaped))
                .hasMessageContaining("blk.0.attn_k.weight has shape [32, " + config.kvDim() + "]");
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        LlamaModel model = LOADED.get("llama-f32.gguf");
        int vocab = model.config().vocabSize();
        int context = model.config().contextLength();
        assertThatThrownBy(() -> model.logits(new int[] {1, vocab})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token " + vocab + " is outside the vocabulary [0, " + vocab + ")");
        assertThatThrownBy(() -> model.logits(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.logits(new int[context + 1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("context holds " + context);
        assertThat(model.generate(new int[context - 3], 4)).hasSize(4); // the last new token is never fed back
        assertThatThrownBy(() -> model.generate(new int[context - 3], 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("context holds " + context);
        assertThatThrownBy(() -> model.generate(new int[0], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one token");
        assertThatThrownBy(() -> LlamaModel.load(tenant.models(), MODELS.get("llama-f32.gguf").modelId(), null, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than the limit of 1000");
        assertThatThrownBy(() -> LlamaModel.load(tenant.models(), 987_654_321L, null))
                .isInstanceOf(io.hartonomous.storage.contract.NotFoundException.class);
    }
}
