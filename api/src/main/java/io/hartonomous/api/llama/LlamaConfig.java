package io.hartonomous.api.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.contract.models.ModelLayer;

import java.io.IOException;
import java.util.List;

/**
 * The hyper-parameters of a LLaMA-architecture GGUF, from the metadata the ingest tier stored beside its tensors
 * ({@code metadataJson}: the file's key/values under {@code "metadata"}, the tensor table under {@code "tensors"}).
 * The vocabulary size comes from {@code token_embd.weight} (outermost dimension), so a file without
 * {@code llama.vocab_size} still loads. What this implementation does not run (mixture of experts, RoPE scaling,
 * per-dimension RoPE factors, attention head sizes other than {@code embedding_length / head_count}) is refused
 * with the reason rather than run wrongly.
 */
public record LlamaConfig(int vocabSize, int dim, int blocks, int heads, int kvHeads, int headDim, int ffn,
                          int contextLength, int ropeDim, float ropeFreqBase, float rmsEps) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float DEFAULT_FREQ_BASE = 10_000f;
    private static final float DEFAULT_RMS_EPS = 1e-5f;

    public LlamaConfig {
        positive("vocabulary size", vocabSize);
        positive("llama.embedding_length", dim);
        positive("llama.block_count", blocks);
        positive("llama.attention.head_count", heads);
        positive("llama.attention.head_count_kv", kvHeads);
        positive("llama.feed_forward_length", ffn);
        positive("llama.context_length", contextLength);
        if (heads % kvHeads != 0) {
            throw notRunnable("llama.attention.head_count " + heads + " is not a multiple of head_count_kv "
                    + kvHeads);
        }
        if (headDim * heads != dim) {
            throw notRunnable("llama.embedding_length " + dim + " is not head_count " + heads + " x head size "
                    + headDim);
        }
        if (ropeDim <= 0 || ropeDim % 2 != 0 || ropeDim > headDim) {
            throw notRunnable("llama.rope.dimension_count " + ropeDim + " must be even and at most the head size "
                    + headDim);
        }
        if (!(ropeFreqBase > 0) || !(rmsEps > 0)) {
            throw notRunnable("llama.rope.freq_base and llama.attention.layer_norm_rms_epsilon must be positive");
        }
    }

    /** Width of the key and value projections: the kv heads times the head size (GQA: smaller than dim). */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /**
     * Reads a stored model's metadata and tensor table. Throws {@link IllegalArgumentException} saying why when the
     * model is not a LLaMA GGUF this implementation can run.
     */
    public static LlamaConfig of(String metadataJson, List<ModelLayer> layers) {
        JsonNode root;
        try {
            root = JSON.readTree(metadataJson == null ? "" : metadataJson);
        } catch (IOException e) {
            throw notRunnable("its stored metadata is not JSON");
        }
        if (root == null || !"gguf".equals(root.path("format").asText())) {
            throw notRunnable("it is not a GGUF model (format " + (root == null ? "unknown"
                    : root.path("format").asText("unknown")) + ")");
        }
        JsonNode kv = root.path("metadata");
        String arch = kv.path("general.architecture").asText("");
        if (!arch.equals("llama")) {
            throw notRunnable("its architecture is '" + arch + "'; only 'llama' is implemented");
        }
        if (kv.path("llama.expert_count").asInt(0) > 0) {
            throw notRunnable("it is a mixture of experts (llama.expert_count " + kv.get("llama.expert_count")
                    + "), which is not implemented");
        }
        String scaling = kv.path("llama.rope.scaling.type").asText("none");
        if (!scaling.equals("none") || kv.path("llama.rope.scale_linear").asDouble(1) != 1) {
            throw notRunnable("it uses RoPE scaling (" + scaling + "), which is not implemented");
        }
        if (layers.stream().anyMatch(l -> l.name().equals("rope_freqs.weight"))) {
            throw notRunnable("it has per-dimension RoPE factors (rope_freqs.weight), which are not implemented");
        }
        int dim = required(kv, "llama.embedding_length");
        int heads = required(kv, "llama.attention.head_count");
        int kvHeads = kv.has("llama.attention.head_count_kv") ? required(kv, "llama.attention.head_count_kv")
                : heads;
        int headDim = heads > 0 ? dim / heads : 0;
        for (String key : List.of("llama.attention.key_length", "llama.attention.value_length")) {
            if (kv.has(key) && kv.get(key).asInt() != headDim) {
                throw notRunnable(key + " " + kv.get(key) + " differs from embedding_length / head_count "
                        + headDim + ", which is not implemented");
            }
        }
        ModelLayer embedding = layers.stream().filter(l -> l.name().equals("token_embd.weight")).findFirst()
                .orElseThrow(() -> notRunnable("it has no token_embd.weight tensor"));
        if (embedding.shape().size() != 2) {
            throw notRunnable("token_embd.weight has shape " + embedding.shape() + ", not [vocabulary, "
                    + dim + "]");
        }
        return new LlamaConfig(Math.toIntExact(embedding.shape().getFirst()), dim, required(kv, "llama.block_count"),
                heads, kvHeads, headDim, required(kv, "llama.feed_forward_length"),
                required(kv, "llama.context_length"),
                kv.has("llama.rope.dimension_count") ? required(kv, "llama.rope.dimension_count") : headDim,
                (float) kv.path("llama.rope.freq_base").asDouble(DEFAULT_FREQ_BASE),
                (float) kv.path("llama.attention.layer_norm_rms_epsilon").asDouble(DEFAULT_RMS_EPS));
    }

    private static int required(JsonNode kv, String key) {
        JsonNode v = kv.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw notRunnable("its metadata has no integer " + key);
        }
        return v.asInt();
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw notRunnable(what + " is " + value);
        }
    }

    static IllegalArgumentException notRunnable(String why) {
        return new IllegalArgumentException("the model cannot be run as LLaMA: " + why);
    }
}
